import Crypto
import JSON
import SyncProtocol
import Toolkit

/// A field node's device credentials: who it is, its signing key, and which hub it talks to.
/// Kept at `<dataDir>/credentials.json`, mode 0600, written by `Enrollment`.
///
/// File format (invariants):
/// 1. One JSON object, UTF-8, written atomically (`SecureFile`), mode 0600; a file readable or
///    writable by group or others is refused, not used.
/// 2. Members: `"format": "fieldsync-credentials-1"`, `"nodeId"` (32 hex), `"privateKey"` (the
///    64-hex Ed25519 seed), `"publicKey"` (64 hex, checked against the seed), `"hubUrl"`,
///    `"hubId"` (32 hex), `"mission"`, `"enrolledAt"` (ms since the epoch), and optionally
///    `"sealingKey": {"keyId": hex, "publicKey": 64 hex}`, `"caFile"`, `"pinnedPublicKey"`.
/// 3. Unknown members are refused (a typo must not silently drop a TLS pin); a missing
///    optional member and `null` mean the same.
public struct Credentials: Sendable {
    /// The file name inside the node's data directory.
    public static let fileName = "credentials.json"
    /// The `format` member of the current file format.
    public static let format = "fieldsync-credentials-1"

    /// This node's id (the store's node id).
    public var nodeID: NodeID
    /// The device key the hub verifies every request with.
    public var privateKey: Ed25519.PrivateKey
    /// Where the hub is.
    public var hubURL: HubURL
    /// The hub's node id (origin of the ops the hub writes).
    public var hubNodeID: NodeID
    /// The mission code the hub serves.
    public var mission: String
    /// The hub's X25519 key that sensitive fields are sealed to, when the hub sent one.
    public var sealingKey: SealingKey?
    /// A PEM bundle of trusted CAs for the hub's TLS certificate (instead of the system store).
    public var caFile: String?
    /// libcurl's `CURLOPT_PINNEDPUBLICKEY` value (`sha256//BASE64`) for the hub's TLS key.
    public var pinnedPublicKey: String?
    /// When the node enrolled, ms since the epoch (node wall clock).
    public var enrolledAtMilliseconds: UInt64

    /// The hub's sealing key from the enrollment answer (spec §10.5).
    public struct SealingKey: Sendable, Hashable {
        /// The key id, hex, as the hub named it.
        public var keyID: String
        /// The raw 32-byte X25519 public key.
        public var publicKey: [UInt8]

        public init(keyID: String, publicKey: [UInt8]) {
            self.keyID = keyID
            self.publicKey = publicKey
        }
    }

    public init(nodeID: NodeID, privateKey: Ed25519.PrivateKey, hubURL: HubURL, hubNodeID: NodeID, mission: String,
                sealingKey: SealingKey? = nil, caFile: String? = nil, pinnedPublicKey: String? = nil,
                enrolledAtMilliseconds: UInt64) {
        self.nodeID = nodeID
        self.privateKey = privateKey
        self.hubURL = hubURL
        self.hubNodeID = hubNodeID
        self.mission = mission
        self.sealingKey = sealingKey
        self.caFile = caFile
        self.pinnedPublicKey = pinnedPublicKey
        self.enrolledAtMilliseconds = enrolledAtMilliseconds
    }

    /// `<dataDir>/credentials.json`.
    public static func path(dataDir: String) -> String {
        dataDir.hasSuffix("/") ? dataDir + fileName : dataDir + "/" + fileName
    }

    /// Whether `<dataDir>/credentials.json` exists (without reading it).
    public static func exist(dataDir: String) -> Bool {
        SecureFile.fingerprint(path(dataDir: dataDir)) != nil
    }

    /// Identifies the file's current version (device, inode, mtime, size) so a daemon can
    /// notice a re-enrollment cheaply; nil when there is no file.
    public static func fileFingerprint(dataDir: String) -> String? {
        SecureFile.fingerprint(path(dataDir: dataDir))
    }

    /// Reads and checks `<dataDir>/credentials.json` (invariants 1–3). Blocking: call it off
    /// Swift's cooperative threads in async code.
    public static func load(dataDir: String) throws(SyncClientError) -> Credentials {
        let file = path(dataDir: dataDir)
        let bytes: [UInt8]
        do {
            bytes = try SecureFile.read(file)
        } catch .missing {
            throw SyncClientError(.notEnrolled, "this node is not enrolled (no \(file)); run `fieldnode enroll --hub URL --token TOKEN` with a token from the hub admin",
                                  retry: .stop)
        } catch .insecure(let mode) {
            throw SyncClientError(.credentialsInsecure, "\(file) has mode \(String(mode, radix: 8)): group or others may read the device key; run `chmod 600 \(file)`, and enroll again if someone else may have copied it",
                                  retry: .stop)
        } catch {
            throw SyncClientError(.credentialsUnreadable, "cannot read \(file): \(error.text); check the data directory", retry: .stop)
        }
        do {
            return try decode(bytes)
        } catch let problem as CredentialsProblem {
            throw SyncClientError(.credentialsInvalid, "\(file) is damaged: \(problem.text); run `fieldnode enroll` again with a new token",
                                  retry: .stop)
        } catch {
            throw SyncClientError(.credentialsInvalid, "\(file) is damaged: \(error); run `fieldnode enroll` again with a new token",
                                  retry: .stop)
        }
    }

    /// Writes `<dataDir>/credentials.json` atomically with mode 0600. Blocking.
    public func save(dataDir: String) throws(SyncClientError) {
        let file = Self.path(dataDir: dataDir)
        do {
            try SecureFile.write(encode(), to: file)
        } catch {
            throw SyncClientError(.credentialsWriteFailed, "cannot write \(file): \(error.text); check the data directory's permissions and free space",
                                  retry: .stop)
        }
    }

    /// The TLS options for talking to the hub.
    public var tlsSettings: TLSSettings { TLSSettings(caFile: caFile, pinnedPublicKey: pinnedPublicKey) }

    /// The file's bytes (invariant 2), pretty-printed with sorted keys.
    public func encode() -> [UInt8] {
        var object = JSONObject()
        object["format"] = .string(Self.format)
        object["nodeId"] = .string(nodeID.hex)
        object["privateKey"] = .string(Hex.encode(privateKey.rawRepresentation))
        object["publicKey"] = .string(Hex.encode(privateKey.publicKey.rawRepresentation))
        object["hubUrl"] = .string(hubURL.base)
        object["hubId"] = .string(hubNodeID.hex)
        object["mission"] = .string(mission)
        object["enrolledAt"] = .int(Int64(clamping: enrolledAtMilliseconds))
        if let sealingKey {
            object["sealingKey"] = .object(JSONObject(["keyId": .string(sealingKey.keyID),
                                                       "publicKey": .string(Hex.encode(sealingKey.publicKey))]))
        }
        if let caFile { object["caFile"] = .string(caFile) }
        if let pinnedPublicKey { object["pinnedPublicKey"] = .string(pinnedPublicKey) }
        return JSON.encodeBytes(.object(object), pretty: true, sortedKeys: true) + [0x0A]
    }

    /// Parses the file's bytes (invariants 2–3).
    static func decode(_ bytes: [UInt8]) throws -> Credentials {
        guard let object = try JSON.parse(bytes).objectValue else { throw CredentialsProblem("not a JSON object") }
        var fields = FieldReader(object: object)
        guard try fields.string("format") == format else { throw CredentialsProblem("unknown format (expected \(format))") }
        let nodeID = try fields.nodeID("nodeId")
        let seed = try fields.hex("privateKey", count: 32)
        let publicKey = try fields.hex("publicKey", count: 32)
        let key = try Ed25519.PrivateKey(rawRepresentation: seed)
        guard key.publicKey.rawRepresentation == publicKey else { throw CredentialsProblem("publicKey does not match privateKey") }
        let hubURL = try HubURL(try fields.string("hubUrl"))
        let hubNodeID = try fields.nodeID("hubId")
        let mission = try fields.string("mission")
        guard let enrolledAt = fields.take("enrolledAt")?.int64Value, enrolledAt >= 0 else {
            throw CredentialsProblem("enrolledAt must be a non-negative integer")
        }
        var sealingKey: SealingKey?
        if let value = fields.take("sealingKey"), !value.isNull {
            guard let inner = value.objectValue else { throw CredentialsProblem("sealingKey must be an object") }
            var sealing = FieldReader(object: inner)
            sealingKey = SealingKey(keyID: try sealing.string("keyId"), publicKey: try sealing.hex("publicKey", count: 32))
            try sealing.finish("sealingKey.")
        }
        let caFile = try fields.optionalString("caFile")
        let pin = try fields.optionalString("pinnedPublicKey")
        try fields.finish("")
        return Credentials(nodeID: nodeID, privateKey: key, hubURL: hubURL, hubNodeID: hubNodeID, mission: mission,
                           sealingKey: sealingKey, caFile: caFile, pinnedPublicKey: pin,
                           enrolledAtMilliseconds: UInt64(enrolledAt))
    }
}

/// What is wrong inside a credentials or enrollment JSON document.
struct CredentialsProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

/// Takes members out of a JSON object one by one, so that leftovers can be refused.
struct FieldReader {
    private var object: JSONObject
    private var remaining: Set<String>

    init(object: JSONObject) {
        self.object = object
        remaining = Set(object.keys)
    }

    mutating func take(_ key: String) -> JSONValue? {
        remaining.remove(key)
        return object[key]
    }

    mutating func string(_ key: String) throws(CredentialsProblem) -> String {
        guard let text = take(key)?.stringValue, !text.isEmpty else { throw CredentialsProblem("\(key) must be a non-empty string") }
        return text
    }

    mutating func optionalString(_ key: String) throws(CredentialsProblem) -> String? {
        guard let value = take(key), !value.isNull else { return nil }
        guard let text = value.stringValue, !text.isEmpty else { throw CredentialsProblem("\(key) must be a non-empty string or null") }
        return text
    }

    mutating func hex(_ key: String, count: Int) throws(CredentialsProblem) -> [UInt8] {
        let text = try string(key)
        guard text == text.lowercased(), let bytes = Hex.decode(text), bytes.count == count else {
            throw CredentialsProblem("\(key) must be \(count * 2) lowercase hex digits")
        }
        return bytes
    }

    mutating func nodeID(_ key: String) throws(CredentialsProblem) -> NodeID {
        let text = try string(key)
        guard text == text.lowercased(), let id = NodeID(hex: text) else { throw CredentialsProblem("\(key) must be 32 lowercase hex digits") }
        return id
    }

    func finish(_ prefix: String) throws(CredentialsProblem) {
        if let extra = remaining.sorted().first { throw CredentialsProblem("unknown member \(prefix)\(extra)") }
    }
}
