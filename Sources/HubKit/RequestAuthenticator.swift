import Crypto
import HTTP
import SyncEngine
import SyncProtocol

/// Checks the headers of spec §10.2 on a request and authenticates signed ones.
///
/// Order (the first failure answers): `FS-Protocol` is `1` (`unsupported_version`); the
/// signing headers are well formed (`malformed`: a client bug, not a credential problem —
/// a decision, the spec is silent); `FS-Node` names an enrolled node (`unauthenticated`) that
/// is not revoked (`revoked`); the signature verifies over the base string rebuilt from the
/// request as received, body as sent (`unauthenticated`); `FS-Counter` is above the last one
/// accepted (`stale_counter` with `lastCounter`). The new counter is stored before the body
/// is looked at.
struct RequestAuthenticator: Sendable {
    let store: Store
    let clock: @Sendable () -> UInt64

    /// The protocol version of a request, which must be `1`.
    static func checkProtocol(_ request: HTTPRequest) throws(HubWireError) -> Int {
        guard request.headers[RequestSigning.protocolHeader] == RequestSigning.protocolVersion else {
            throw HubWireError(.unsupportedVersion)
        }
        return 1
    }

    /// The node that signed `request`, after its counter was stored.
    func authenticate(_ request: HTTPRequest) async throws -> EnrolledNode {
        let version = try Self.checkProtocol(request)
        let (node, counter, signature) = try Self.signingHeaders(request)
        let base = RequestSigning.baseString(method: request.method, path: request.path, node: node,
                                             counter: counter, body: request.body)
        let now = clock()
        let backlog = Self.backlog(request)
        return try await store.async { store in
            try NodeRegistry(store: store).authenticate(nodeID: node, counter: counter, protocolVersion: version, now: now,
                                                        backlog: backlog) { key in
                key.isValidSignature(signature, for: base)
            }
        }
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
