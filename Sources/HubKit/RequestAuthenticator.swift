import Crypto
import HTTP
import SyncEngine
import SyncProtocol

/// A request whose signature verified, not yet accepted: its counter is checked and stored on
/// the writer (`NodeRegistry.accept`), in the grouped transaction of what the request changes.
struct SignedRequest: Sendable {
    let nodeID: NodeID
    let counter: UInt64
    let protocolVersion: Int
    let backlog: UInt64?
    /// When it arrived (ms).
    let now: UInt64
    /// The key its signature verified with.
    let key: Ed25519.PublicKey
}

/// Checks the headers of spec §10.2 on a request and authenticates signed ones.
///
/// Order (the first failure answers): `FS-Protocol` is `1` (`unsupported_version`); the
/// signing headers are well formed (`malformed`: a client bug, not a credential problem —
/// a decision, the spec is silent); `FS-Node` names an enrolled node (`unauthenticated`) that
/// is not revoked (`revoked`); the signature verifies over the base string rebuilt from the
/// request as received, body as sent (`unauthenticated`); `FS-Counter` is above the last one
/// accepted (`stale_counter` with `lastCounter`).
///
/// Where (issue 15): the signature is checked off the store's writer, with the key from
/// `NodeKeys` (looked up once per node); the writer then re-checks revocation and the counter
/// and stores the counter (`accept`), in the grouped transaction that also holds what the
/// request changes — before that change, in the same commit, and nothing is answered before
/// the commit (spec §10.2).
struct RequestAuthenticator: Sendable {
    let store: Store
    let keys: NodeKeys
    let clock: @Sendable () -> UInt64

    /// The protocol version of a request, which must be `1`.
    static func checkProtocol(_ request: HTTPRequest) throws(HubWireError) -> Int {
        guard request.headers[RequestSigning.protocolHeader] == RequestSigning.protocolVersion else {
            throw HubWireError(.unsupportedVersion)
        }
        return 1
    }

    /// Steps 1–3, off the writer: the headers, the node's key and the signature.
    func verify(_ request: HTTPRequest) async throws -> SignedRequest {
        let version = try Self.checkProtocol(request)
        let (node, counter, signature) = try Self.signingHeaders(request)
        let base = RequestSigning.baseString(method: request.method, path: request.path, node: node,
                                             counter: counter, body: request.body)
        let now = clock()
        guard let entry = try await entry(node, fresh: false) else { throw HubWireError(.unauthenticated) }
        if entry.revoked { throw HubWireError(.revoked) }
        guard entry.key.isValidSignature(signature, for: base) else {
            // Step 2 comes first: a revocation made since the key was cached answers `revoked`.
            if try await self.entry(node, fresh: true)?.revoked == true { throw HubWireError(.revoked) }
            throw HubWireError(.unauthenticated)
        }
        return SignedRequest(nodeID: node, counter: counter, protocolVersion: version, backlog: Self.backlog(request),
                             now: now, key: entry.key)
    }

    /// The node's key and revocation, from `keys` or (`fresh`, or not cached) the registry.
    private func entry(_ node: NodeID, fresh: Bool) async throws -> NodeKeys.Entry? {
        if !fresh, let cached = keys.entry(node) { return cached }
        guard let found = try await store.async({ store in try NodeRegistry(store: store).credentials(node) }) else { return nil }
        keys.remember(node, found)
        return found
    }

    /// Step 4 on the writer, inside `transaction` (a grouped call): revocation and the counter
    /// re-checked, the new counter stored. Throws the refusal; the caller's savepoint then
    /// rolls back and nothing is stored.
    func accept(_ signed: SignedRequest, in transaction: StoreTransaction) throws -> EnrolledNode {
        do {
            return try NodeRegistry(store: store).accept(signed, in: transaction)
        } catch let error as HubWireError where error.wire.code == .revoked {
            keys.markRevoked(signed.nodeID)
            throw error
        }
    }

    /// `accept` for a request whose handler commits nothing itself (a pull): a grouped call of
    /// its own; returns once the counter is committed.
    func accept(_ signed: SignedRequest) async throws -> EnrolledNode {
        try await store.grouped { transaction in try accept(signed, in: transaction) }
    }

    /// `FS-Backlog`, when present and a plain decimal of at most 18 digits; informational, so a
    /// malformed value is ignored rather than refused.
    static func backlog(_ request: HTTPRequest) -> UInt64? {
        guard let text = request.headers[RequestSigning.backlogHeader], (1...18).contains(text.utf8.count),
              text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(text)
    }

    /// `FS-Node` (32 lowercase hex), `FS-Counter` (decimal, no leading zeros, u64) and
    /// `FS-Signature` (128 lowercase hex).
    static func signingHeaders(_ request: HTTPRequest) throws(HubWireError) -> (NodeID, UInt64, [UInt8]) {
        let headers = request.headers
        guard let nodeText = headers[RequestSigning.nodeHeader], isLowerHex(nodeText, count: 32),
              let node = NodeID(hex: nodeText) else {
            throw HubWireError(.malformed, "FS-Node must be the node id as 32 lowercase hex digits.")
        }
        guard let counterText = headers[RequestSigning.counterHeader], !counterText.isEmpty,
              counterText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              counterText == "0" || !counterText.hasPrefix("0"), let counter = UInt64(counterText) else {
            throw HubWireError(.malformed, "FS-Counter must be a decimal number without leading zeros.")
        }
        guard let signatureText = headers[RequestSigning.signatureHeader], isLowerHex(signatureText, count: 128),
              let signature = Hex.decode(signatureText) else {
            throw HubWireError(.malformed, "FS-Signature must be the Ed25519 signature as 128 lowercase hex digits.")
        }
        return (node, counter, signature)
    }

    static func isLowerHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
