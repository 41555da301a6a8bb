import Crypto
import HTTP
import JSON
import SyncProtocol

extension HubEndpoints {
    /// `POST /v1/enroll` (spec §10.5): `{"token","nodeId","publicKey","label"?}` →
    /// `{"nodeId","hubId","mission","sealingKey":{"keyId","publicKey"},"hubTime"}`.
    ///
    /// The node's `label` is checked (a string of at most 64 bytes) but not stored: the admin
    /// chose the node's name when issuing the token (decision; the spec calls it optional).
    ///
    /// Anyone may call it, so it is refused before any work that costs more than the request
    /// did: a body over `maxEnrollBodyBytes` as sent is `too_large` before it is inflated, and
    /// inflation stops at the same cap (a gzip bomb costs one 64 KiB inflate step).
    func enroll(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        _ = try RequestAuthenticator.checkProtocol(request)
        guard request.body.count <= Self.maxEnrollBodyBytes else {
            throw HubWireError(.tooLarge, "An enrollment request is at most \(Self.maxEnrollBodyBytes) bytes; fieldnode must be fixed.")
        }
        let body = try ContentCoding.decodedBody(request, maxBytes: Self.maxEnrollBodyBytes)
        let (token, nodeID, publicKey) = try Self.enrollment(body)
        let now = clock()
        let tokenHash = EnrollmentToken.hash(token)
        let (name, repeated) = try await store.async { store in
            try NodeRegistry(store: store).redeem(tokenHash: tokenHash, nodeID: nodeID, publicKey: publicKey, now: now)
        }
        keys.forget(nodeID)  // NodeKeys rule 3: read again from the registry on its next request
        log.notice("node enrolled", ["request_id": context.requestID, "node": nodeID.hex, "name": name,
                                     "repeated": String(repeated)])
        let answer: JSONValue = [
            "nodeId": .string(nodeID.hex),
            "hubId": .string(identity.hubID.hex),
            "mission": .string(identity.mission),
            "sealingKey": ["keyId": .string(Hex.encode(identity.sealingKey.keyID)),
                           "publicKey": .string(Hex.encode(identity.sealingKey.publicKey))],
            "hubTime": .int(Int64(clamping: clock())),
        ]
        return Self.json(answer)
    }

    /// The largest enrollment body, as sent and inflated (spec §10.5): the JSON is under 1 KiB.
    static let maxEnrollBodyBytes = 4096

    /// The token, node id and public key of an enrollment request; `malformed` otherwise.
    static func enrollment(_ body: [UInt8]) throws(HubWireError) -> (String, NodeID, [UInt8]) {
        let value: JSONValue
        do {
            value = try JSON.parse(body)
        } catch {
            throw HubWireError(.malformed, "The enrollment request is not valid JSON; fieldnode must be fixed.")
        }
        guard let object = value.objectValue else {
            throw HubWireError(.malformed, "The enrollment request must be a JSON object; fieldnode must be fixed.")
        }
        // Matched by UTF-8 bytes: String `==` on a hostile name is quadratic (issue 14).
        for key in object.keys where !["token", "nodeId", "publicKey", "label"].containsUTF8(key) {
            // The name is quoted short: an error body must not echo 128 KB back.
            let shown = key.utf8.count <= 64 ? key : String(decoding: key.utf8.prefix(64), as: UTF8.self) + "…"
            throw HubWireError(.malformed, "The enrollment request has an unknown member \"\(shown)\"; fieldnode must be fixed.")
        }
        guard let token = object["token"]?.stringValue, !token.isEmpty, token.utf8.count <= 128 else {
            throw HubWireError(.malformed, "The enrollment request needs \"token\": the token from the hub admin.")
        }
        guard let nodeText = object["nodeId"]?.stringValue, RequestAuthenticator.isLowerHex(nodeText, count: 32),
              let nodeID = NodeID(hex: nodeText) else {
            throw HubWireError(.malformed, "The enrollment request needs \"nodeId\": 32 lowercase hex digits.")
        }
        guard let keyText = object["publicKey"]?.stringValue, RequestAuthenticator.isLowerHex(keyText, count: 64),
              let key = Hex.decode(keyText), (try? Ed25519.PublicKey(rawRepresentation: key))?.isAcceptableDeviceKey == true else {
            throw HubWireError(.malformed, "The enrollment request needs \"publicKey\": a raw Ed25519 public key as 64 lowercase hex digits, a valid curve point not of small order (weak keys are refused).")
        }
        if let label = object["label"], !(label.stringValue.map { $0.utf8.count <= 64 } ?? false) {
            throw HubWireError(.malformed, "The enrollment \"label\" must be a string of at most 64 bytes.")
        }
        return (token, nodeID, key)
    }
}
