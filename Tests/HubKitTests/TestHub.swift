import Crypto
import Foundation
import HTTP
@testable import HubKit
import JSON
import Synchronization
import SyncEngine
import SyncProtocol
import Toolkit

/// A wall clock tests move by hand.
final class TestClock: Sendable {
    private let value: Atomic<UInt64>

    init(_ start: UInt64 = 1_763_900_000_000) {
        value = Atomic(start)
    }

    var now: UInt64 { value.load(ordering: .relaxed) }
    func advance(milliseconds: UInt64) { value.add(milliseconds, ordering: .relaxed) }
    var read: @Sendable () -> UInt64 { { [self] in now } }
}

/// A fresh temporary directory.
func temporaryDirectory(_ label: String = "hub") -> String {
    let path = NSTemporaryDirectory() + "hubkit-\(label)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A hub store in a temp dir served in-process on 127.0.0.1 (port 0).
struct TestHub: Sendable {
    let directory: String
    let store: Store
    let clock: TestClock
    let port: Int
    let log: LogCapture

    var registry: NodeRegistry { NodeRegistry(store: store) }

    /// Runs `body` against a serving hub, then stops the hub as SIGTERM would.
    static func with(configure: @Sendable (inout HubSettings) -> Void = { _ in },
                     maxQuarantinedPerNode: Int = StoreOptions.defaultMaxQuarantinedPerOrigin,
                     _ body: @Sendable (TestHub) async throws -> Void) async throws {
        let directory = temporaryDirectory()
        let clock = TestClock()
        let store = try await offThread {
            try HubStore.create(dataDirectory: directory + "/data", mission: "MINUSCA",
                                options: HubStore.options(maxQuarantinedPerNode: maxQuarantinedPerNode, wallClock: clock.read))
        }
        var settings = HubSettings()
        settings.address = .tcp(host: "127.0.0.1", port: 0)
        configure(&settings)
        let log = LogCapture()
        let server = HubServer(settings: settings, store: store, log: Logger(minimumLevel: .debug, sink: log.sink), clock: clock.read)
        let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portSink.finish() }
                try await server.run(until: signals) { portSink.yield($0.port ?? 0) }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()
                throw RawHTTPError(description: "the hub did not start")
            }
            let hub = TestHub(directory: directory, store: store, clock: clock, port: port, log: log)
            do {
                try await body(hub)
            } catch {
                stop.yield(.term)
                try await group.waitForAll()
                throw error
            }
            stop.yield(.term)
            try await group.waitForAll()
        }
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) async throws -> HTTPReply {
        try await RawHTTP.request(port: port, method: method, path: path, headers: headers, body: body)
    }

    /// Everything a refused request must leave alone: merged state, op counts, the registry.
    func snapshot() async throws -> HubSnapshot {
        try await store.async { store in
            let counts = try store.counts()
            return HubSnapshot(state: try store.stateListing(), ops: counts.ops, quarantined: counts.quarantined,
                               nodes: try NodeRegistry(store: store).nodes().map { "\($0.name) \($0.nodeID) \($0.revokedAt ?? 0)" })
        }
    }

    /// Issues a token (as `missionhub node enroll` does) and enrolls `node` over HTTP.
    @discardableResult
    func enroll(_ node: TestNode, name: String) async throws -> HTTPReply {
        let token = try await store.async { store in
            try NodeRegistry(store: store).issueToken(name: name, lifetimeMilliseconds: 86_400_000, now: clock.now).token
        }
        return try await request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: node.enrollment(token: token))
    }
}

/// What must not change when a request is refused.
struct HubSnapshot: Equatable {
    let state: [String]
    let ops: Int
    let quarantined: Int
    let nodes: [String]
}

/// A field node as the hub sees it: an id, a device key and a request counter.
final class TestNode: Sendable {
    let id: NodeID
    let key: Ed25519.PrivateKey
    private let counter = Atomic<UInt64>(1_763_900_000_000_000)

    init(id: NodeID = .random()) throws {
        self.id = id
        key = Ed25519.PrivateKey()
    }

    func enrollment(token: String, publicKey: [UInt8]? = nil) -> [UInt8] {
        let body: JSONValue = ["token": .string(token), "nodeId": .string(id.hex),
                               "publicKey": .string(Hex.encode(publicKey ?? key.publicKey.rawRepresentation)), "label": "desk"]
        return JSON.encodeBytes(body)
    }

    /// The next counter.
    func nextCounter() -> UInt64 { counter.add(1, ordering: .relaxed).newValue }

    /// FS-* headers for a signed request; `signer` forges with another key.
    func signedHeaders(_ method: String, _ path: String, body: [UInt8], counter: UInt64? = nil,
                       signer: Ed25519.PrivateKey? = nil, node: NodeID? = nil) -> [(String, String)] {
        let counter = counter ?? nextCounter()
        let node = node ?? id
        let base = RequestSigning.baseString(method: method, path: path, node: node, counter: counter, body: body)
        return [("FS-Protocol", "1"), ("FS-Node", node.hex), ("FS-Counter", String(counter)),
                ("FS-Signature", Hex.encode((signer ?? key).signature(for: base))),
                ("Content-Type", "application/octet-stream")]
    }

    func push(_ hub: TestHub, _ ops: [Op]) async throws -> HTTPReply {
        let body = BatchCodec.encode(ops, compress: false)
        return try await hub.request("POST", "/v1/push", headers: signedHeaders("POST", "/v1/push", body: body), body: body)
    }

    func pull(_ hub: TestHub, cursor: UInt64, maxBytes: UInt64 = 1 << 20) async throws -> HTTPReply {
        let body = PullRequest(cursor: cursor, maxBytes: maxBytes).encode()
        return try await hub.request("POST", "/v1/pull", headers: signedHeaders("POST", "/v1/pull", body: body), body: body)
    }

    /// An op of this node (or of `origin`).
    func op(_ seq: UInt64, _ entity: String, _ action: Action, collection: String = "report",
            origin: NodeID? = nil, ms: UInt64 = 1_763_900_000_000) -> Op {
        Op(id: OpID(origin: origin ?? id, seq: seq), hlc: HLC(milliseconds: ms, counter: UInt16(seq % 60_000)),
           collection: collection, entity: entity, action: action)
    }

    /// The ops that create a report owned by this node: exist, ref, category, child flag.
    func report(firstSeq: UInt64, ref: String, child: Bool = false, local: String? = nil) -> (entity: String, ops: [Op]) {
        let entity = EntityID.make(owner: id, local: local)
        return (entity, [
            op(firstSeq, entity, .exist(causalLength: 1)),
            op(firstSeq + 1, entity, .set(field: "ref", value: .string(ref), rank: 0, supersedes: [])),
            op(firstSeq + 2, entity, .set(field: "derived.category", value: .int(1), rank: 0, supersedes: [])),
            op(firstSeq + 3, entity, .set(field: "derived.involvesChild", value: .bool(child), rank: 0, supersedes: [])),
        ])
    }
}

extension NodeRegistry {
    /// Accepts a request of `node` with `counter` as the hub does once its signature verified
    /// (`accept` in a transaction of its own). Blocking.
    @discardableResult
    func accept(_ node: TestNode, counter: UInt64, now: UInt64, backlog: UInt64? = nil) throws -> EnrolledNode {
        let signed = SignedRequest(nodeID: node.id, counter: counter, protocolVersion: 1, backlog: backlog, now: now, key: node.key.publicKey)
        return try store.transaction { transaction in try accept(signed, in: transaction) }
    }
}
