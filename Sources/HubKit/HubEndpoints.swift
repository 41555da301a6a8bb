import HTTP
import JSON
import SyncEngine
import SyncProtocol
import Toolkit

/// The hub's `/v1/` endpoints (spec §10): health, enroll, push, pull.
///
/// Handlers never block Swift's cooperative threads: every store call goes through
/// `Store.grouped` (what a request commits: its counter and its push, sharing a COMMIT with the
/// other requests waiting, issue 15), `Store.async` or a reader. Refusals are thrown as
/// `HubWireError`; `HubProtocolMiddleware` turns everything else into a bare 500 and adds the
/// headers every response carries.
public struct HubEndpoints: Sendable {
    /// What the hub tells an enrolling node about itself.
    struct Identity: Sendable {
        /// The hub's identity (its first node id), stable across restores.
        let hubID: NodeID
        let mission: String
        let sealingKey: SealingKeys.PublicKey
        /// The store's epoch (spec §13.7).
        let epoch: String
    }

    let store: Store
    let identity: Identity
    let maxBodyBytes: Int
    /// Pushes inflate and decode their bodies (up to `max_body_bytes` each, and the ops they
    /// hold) only a few at a time, which bounds what enrolled laptops can make the hub hold at
    /// once (issue 14).
    let pushGate: AsyncGate
    static let concurrentPushes = 4
    /// Decoded pushes waiting for their commit group and being applied, weighed by the encoded
    /// size of their ops: at most `concurrentPushes × max_body_bytes` in all, so that many small
    /// pushes share a commit (issue 15) while big ones still pass a few at a time.
    let applyGate: AsyncGate
    /// Enrolled nodes' keys, for checking signatures off the writer (`RequestAuthenticator`).
    let keys = NodeKeys()
    let maxPullBytes: Int
    let log: Logger
    let clock: @Sendable () -> UInt64

    /// Most ops in one pull response (the spec allows 10 000 per batch).
    static let maxPullOps = 1000
    /// Room left in a pull frame for its header, tables and checksum: the frame of a slice of
    /// encoded ops is at most their total size plus this (every op in a frame is no longer than
    /// its standalone encoding, and the tables only hold what the ops would repeat).
    static let frameOverhead = 64

    /// Reads the hub's identity from `store`. Blocking.
    public init(store: Store, settings: HubSettings, log: Logger, clock: @escaping @Sendable () -> UInt64) throws(HubError) {
        let key: SealingKeys.PublicKey?
        let mission: String?
        let hubID: NodeID
        let epoch: String?
        do {
            key = try store.local { db in try SealingKeys(db: db).current() }
            mission = try store.metadata(HubStore.missionKey)
            hubID = try store.identity()
            epoch = try store.metadata(HubStore.epochKey)
        } catch {
            throw HubError(.storage, "could not read the hub's identity from \(store.path): \(error)")
        }
        guard let key, let mission, let epoch else {
            throw HubError(.storage, "the hub store \(store.path) has no mission or sealing key",
                           hint: "initialise a new data directory with `missionhub init --mission CODE`")
        }
        self.store = store
        self.identity = Identity(hubID: hubID, mission: mission, sealingKey: key, epoch: epoch)
        self.maxBodyBytes = settings.maxBodyBytes
        self.pushGate = AsyncGate(limit: Self.concurrentPushes)
        self.applyGate = AsyncGate(limit: Self.concurrentPushes * settings.maxBodyBytes)
        self.maxPullBytes = settings.maxPullBytes
        self.log = log
        self.clock = clock
    }

    /// The routes, relative to the `/v1` mount (`HubResponder.site`): `GET /health`,
    /// `POST /enroll`, `POST /push`, `POST /pull`.
    public func router() -> Router {
        var router = Router()
        router.get("/health") { _, _ in health() }
        router.post("/enroll") { request, context in try await enroll(request, context) }
        router.post("/push") { request, context in
            try await signed(request, context) { try await push($0, $1, context: context) }
        }
        router.post("/pull") { request, context in
            try await signed(request, context) { request, signed in
                let node = try await authenticator.accept(signed)
                return (node, await Self.outcome { try await pull(request, node: node, context: context) })
            }
        }
        return router
    }

    var authenticator: RequestAuthenticator { RequestAuthenticator(store: store, keys: keys, clock: clock) }

    /// `200 {"status":"ok","protocol":1,"hubTime":<ms>}`; no authentication.
    func health() -> HTTPResponse {
        let body: JSONValue = ["status": "ok", "protocol": 1, "hubTime": .int(Int64(clamping: clock()))]
        return Self.json(body)
    }

    /// Verifies the signature, runs `handler` — which accepts the request (its counter) in the
    /// grouped transaction of whatever it changes, and answers the node it accepted with what
    /// came of the request — and records the outcome on the node's row (`last_error`: the wire
    /// code of a refusal, cleared by a success). An error `handler` throws is a refusal before
    /// the request was accepted (nothing stored, not even the counter).
    private func signed(_ request: HTTPRequest, _ context: RequestContext,
                        _ handler: @Sendable (HTTPRequest, SignedRequest) async throws -> (EnrolledNode, Result<HTTPResponse, any Error>))
        async throws -> HTTPResponse {
        let node: EnrolledNode, outcome: Result<HTTPResponse, any Error>
        do {
            (node, outcome) = try await handler(request, try await authenticator.verify(request))
        } catch let error as HubWireError {
            // An admin must see a revoked or unknown laptop still knocking. The node id is only
            // what the request claims (the request was not authenticated); a revoked node's
            // registry row records the refusal for `missionhub node list`.
            let claimed = request.headers[RequestSigning.nodeHeader].flatMap(NodeID.init(hex:))
            if error.wire.code == .revoked, let claimed { try await record(claimed, error.wire.code.rawValue) }
            log.notice("request refused before authentication", ["request_id": context.requestID, "code": error.wire.code.rawValue,
                                                                  "claimed_node": claimed?.hex ?? "-"])
            throw error
        }
        switch outcome {
        case .success(let response):
            if node.lastError != nil { try await record(node.nodeID, nil) }
            return response
        case .failure(let error as HubWireError):
            try await record(node.nodeID, error.wire.code.rawValue)
            log.info("request refused", ["request_id": context.requestID, "node": node.nodeID.hex, "code": error.wire.code.rawValue])
            throw error
        case .failure(let error):
            throw error
        }
    }

    /// What `body` answered or threw.
    static func outcome(_ body: () async throws -> HTTPResponse) async -> Result<HTTPResponse, any Error> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    private func record(_ id: NodeID, _ code: String?) async throws {
        try await store.grouped { transaction in try NodeRegistry.recordOutcome(nodeID: id, errorCode: code, in: transaction) }
    }

    /// A `200` with a binary body.
    static func binary(_ bytes: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: bytes)
    }

    /// A `200` with a compact JSON body.
    static func json(_ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: JSON.encodeBytes(value))
    }
}
