import Crypto
import Foundation
import JSON
import SyncEngine
import SyncProtocol
import Toolkit

/// Exchanges a one-time token for device credentials (spec §10.5).
///
/// Steps and invariants:
/// 1. The device key is fresh for each new token. Before the request leaves, the key is kept
///    in `<dataDir>/enrollment-pending.json` (0600) with the hub URL and the token's SHA-256;
///    a later `enroll` with the same hub and token reuses that key, so an answer lost to a
///    crash or a cut link is asked for again with the same key and the hub answers the same
///    `200` (spec §10.5), instead of refusing a spent token.
/// 2. Transient transport failures are retried up to `attempts` times (1 s, 2 s apart); the
///    hub's errors are not retried.
/// 3. The answer must name this store's node id. A store that already synced with another
///    hub (`hub_id` metadata) is refused: its acknowledgements belong to that hub.
/// 4. `credentials.json` is written atomically (mode 0600) before the store's metadata
///    (`hub_url`, `hub_id`, `mission`) and before the pending file is removed.
public enum Enrollment {
    /// The pending-key file name inside the data directory.
    public static let pendingFileName = "enrollment-pending.json"
    /// Longest label (spec §10.5).
    public static let maxLabelBytes = 64

    /// Enrolls this node with the hub at `hubURL` using `token`; returns and saves the
    /// credentials. `label` is an operator-chosen name the hub shows (optional, ≤ 64 bytes).
    public static func enroll(hubURL: String, token: String, store: Store, dataDir: String, tls: TLSSettings = TLSSettings(),
                              label: String? = nil, expectedSealingKey: Credentials.SealingKey? = nil,
                              transport: (any HubTransport)? = nil,
                              options: TransportOptions = TransportOptions(), attempts: Int = 3,
                              logger: Logger = .disabled) async throws(SyncClientError) -> Credentials {
        let hub = try HubURL(hubURL)
        let token = try checked(token: token, label: label)
        guard store.role == .node else {
            throw SyncClientError(.enrollmentMismatch, "\(store.path) is a hub store; enroll from a field node's data directory", retry: .stop)
        }
        let carrier: any HubTransport
        if let transport { carrier = transport } else { carrier = try CurlTransport(tls: tls, options: options) }
        let key = try await pendingKey(hub: hub, token: token, dataDir: dataDir)
        let body = requestBody(token: token, node: store.nodeID, key: key, label: label)
        let request = HubRequest(method: "POST", url: hub.endpoint("enroll"),
                                 headers: [(RequestSigning.protocolHeader, RequestSigning.protocolVersion),
                                           ("Content-Type", "application/json")], body: body)
        var attempt = 1
        var reply = await HubClient.exchange(request, transport: carrier, wallClock: store.options.wallClock)
        while case .failure(let error) = reply.result, error.code == .transport, error.retry == .backoff, attempt < attempts {
            logger.warning("enrollment request failed; retrying", ["attempt": String(attempt), "error": error.transportCode ?? "?"])
            do {
                try await Task.sleep(for: .seconds(attempt))
            } catch {
                throw SyncClientError(.cancelled, "enrollment was cancelled; run `fieldnode enroll` again with the same token", retry: .stop)
            }
            attempt += 1
            reply = await HubClient.exchange(request, transport: carrier, wallClock: store.options.wallClock)
        }
        let responseBody: [UInt8]
        switch reply.result.flatMap(HubClient.interpret) {
        case .success(let bytes): responseBody = bytes
        case .failure(let error): throw error
        }
        let credentials = try parseAnswer(responseBody, hub: hub, node: store.nodeID, key: key, tls: tls,
                                          now: store.options.wallClock())
        if let expectedSealingKey {
            try checkSealingKey(credentials.sealingKey, expected: expectedSealingKey)
        }
        try await commit(credentials, store: store, dataDir: dataDir, offset: reply.clock?.offsetMilliseconds)
        logger.notice("enrolled with the hub", ["hub_id": credentials.hubNodeID.hex, "mission": credentials.mission,
                                                "node": credentials.nodeID.hex])
        return credentials
    }

    /// The hub must seal to the key of the laptop's mission file (sync-v1.md §19.6): a hub that
    /// answers with another key is not the one the laptop was provisioned for, or rotated its
    /// key since. Nothing is saved then; the same token works again once that is settled.
    static func checkSealingKey(_ answered: Credentials.SealingKey?, expected: Credentials.SealingKey) throws(SyncClientError) {
        guard let answered, answered.keyID == expected.keyID, answered.publicKey == expected.publicKey else {
            let got = answered.map { "key \($0.keyID)" } ?? "no sealing key"
            throw SyncClientError(.enrollmentMismatch,
                                  "the hub answered with \(got), but this laptop's mission file seals to key \(expected.keyID); nothing was saved. Check that this is your mission's hub; if its admin rotated the key, install the new mission file (`fieldnode init --mission-file FILE`) and run the same `fieldnode enroll` again",
                                  retry: .stop)
        }
    }

    static func checked(token: String, label: String?) throws(SyncClientError) -> String {
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 512, trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw SyncClientError(.enrollmentMismatch, "the enrollment token is empty or has spaces or unusual characters; copy it exactly as `missionhub node enroll` printed it",
                                  retry: .stop)
        }
        if let label, label.isEmpty || label.utf8.count > maxLabelBytes || label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw SyncClientError(.enrollmentMismatch, "the label must be 1…\(maxLabelBytes) bytes without control characters", retry: .stop)
        }
        return trimmed
    }

    static func requestBody(token: String, node: NodeID, key: Ed25519.PrivateKey, label: String?) -> [UInt8] {
        var object = JSONObject()
        object["token"] = .string(token)
        object["nodeId"] = .string(node.hex)
        object["publicKey"] = .string(Hex.encode(key.publicKey.rawRepresentation))
        if let label { object["label"] = .string(label) }
        return JSON.encodeBytes(.object(object))
    }

    /// The `200` answer as credentials (invariant 3, node id part).
    static func parseAnswer(_ body: [UInt8], hub: HubURL, node: NodeID, key: Ed25519.PrivateKey, tls: TLSSettings,
                            now: UInt64) throws(SyncClientError) -> Credentials {
        do {
            guard let object = try JSON.parse(body).objectValue else { throw CredentialsProblem("not a JSON object") }
            var fields = FieldReader(object: object)
            let answeredNode = try fields.nodeID("nodeId")
            guard answeredNode == node else {
                throw SyncClientError(.enrollmentMismatch, "the hub enrolled node \(answeredNode.hex), not this node (\(node.hex)); contact the hub admin",
                                      retry: .stop)
            }
            let hubID = try fields.nodeID("hubId")
            let mission = try fields.string("mission")
            var sealing: Credentials.SealingKey?
            if let value = fields.take("sealingKey"), !value.isNull {
                guard let inner = value.objectValue else { throw CredentialsProblem("sealingKey must be an object") }
                var reader = FieldReader(object: inner)
                sealing = Credentials.SealingKey(keyID: try reader.string("keyId"), publicKey: try reader.hex("publicKey", count: 32))
            }
            return Credentials(nodeID: node, privateKey: key, hubURL: hub, hubNodeID: hubID, mission: mission,
                               sealingKey: sealing, caFile: tls.caFile, pinnedPublicKey: tls.pinnedPublicKey,
                               enrolledAtMilliseconds: now)
        } catch let error as SyncClientError {
            throw error
        } catch let problem as CredentialsProblem {
            throw .badResponse("enrollment answer: \(problem.text)")
        } catch {
            throw .badResponse("enrollment answer: \(error)")
        }
    }

    /// Invariant 3 (hub part) and 4.
    static func commit(_ credentials: Credentials, store: Store, dataDir: String, offset: Int64?) async throws(SyncClientError) {
        do {
            try await store.async { store in
                if let previous = try store.metadata("hub_id"), previous != credentials.hubNodeID.hex {
                    throw SyncClientError(.enrollmentMismatch,
                                          "this node already synced with another hub (\(previous)); a node belongs to one hub: run `fieldnode init` in a new data directory to join hub \(credentials.hubNodeID.hex)",
                                          retry: .stop)
                }
                try credentials.save(dataDir: dataDir)
                try store.setMetadata("hub_url", credentials.hubURL.base)
                try store.setMetadata("hub_id", credentials.hubNodeID.hex)
                try store.setMetadata("mission", credentials.mission)
                if let offset { try store.setClockOffset(offset) }
                try SecureFile.remove(pendingPath(dataDir))
            }
        } catch let error as SyncClientError {
            throw error
        } catch let failure as SecureFile.Failure {
            throw SyncClientError(.credentialsWriteFailed, "enrolled, but cannot remove \(pendingPath(dataDir)): \(failure.text); remove it by hand",
                                  retry: .stop)
        } catch {
            throw SyncClientError.store(error)
        }
    }

    static func pendingPath(_ dataDir: String) -> String {
        dataDir.hasSuffix("/") ? dataDir + pendingFileName : dataDir + "/" + pendingFileName
    }

    /// The key for this hub and token: the pending one if it matches, else a new one saved as
    /// pending before it is used (invariant 1).
    static func pendingKey(hub: HubURL, token: String, dataDir: String) async throws(SyncClientError) -> Ed25519.PrivateKey {
        let path = pendingPath(dataDir)
        let tokenHash = Hex.encode(SHA256.hash(Array(token.utf8)))
        do {
            return try await Blocking.run {
                // A pending file that is unreadable, damaged or for another hub or token is of
                // no use: it is replaced below (nothing was enrolled with its key yet, or the
                // token it was for is spent), so failures to read it are not errors.
                if let bytes = try? SecureFile.read(path), let object = try? JSON.parse(bytes).objectValue,
                   object["hubUrl"]?.stringValue == hub.base, object["tokenSha256"]?.stringValue == tokenHash,
                   let seed = object["privateKey"]?.stringValue.flatMap(Hex.decode),
                   let key = try? Ed25519.PrivateKey(rawRepresentation: seed) {
                    return key
                }
                let key = Ed25519.PrivateKey()
                let pending: JSONValue = .object(JSONObject(["hubUrl": .string(hub.base), "tokenSha256": .string(tokenHash),
                                                             "privateKey": .string(Hex.encode(key.rawRepresentation))]))
                try SecureFile.write(JSON.encodeBytes(pending), to: path)
                return key
            }
        } catch let failure as SecureFile.Failure {
            throw SyncClientError(.credentialsWriteFailed, "cannot write \(path): \(failure.text); check the data directory", retry: .stop)
        } catch {
            throw SyncClientError(.credentialsWriteFailed, "cannot create a device key: \(error)", retry: .stop)
        }
    }
}
