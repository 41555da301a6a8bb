import Crypto
import FieldModel
import JSON
import SyncProtocol

/// The mission file (sync-v1.md §19.6): what a field laptop needs before it has ever reached
/// the hub, provisioned with it (`missionhub mission-file --out FILE`, then
/// `fieldnode init --mission-file FILE`): the mission code, the hub's sealing public key and
/// its key id, and the mission's linkage key for survivor codes.
///
/// Format (JSON object, every member required unless said):
/// - `format`: `"fieldsync-mission-1"`;
/// - `mission`: the mission code;
/// - `sealingKey`: `{"keyId": 16 hex, "publicKey": 64 hex}`, the key id being the first 8 bytes
///   of SHA-256 of the public key (checked);
/// - `linkageKey`: 64 hex, a 32-byte secret (never leaves the hub but in this file);
/// - `hubUrl`: optional, the hub's address, for the operator;
/// - `fingerprint`: `fingerprint` below; a file whose fingerprint does not match its content
///   is refused (a damaged or hand-edited file).
///
/// The fingerprint is what an operator compares, by voice or on paper, with the one the hub
/// admin read when making the file: it protects against a file swapped on the way, which the
/// file's own check cannot (whoever swaps it can recompute it).
public struct MissionFile: Sendable, Equatable {
    public static let format = "fieldsync-mission-1"
    public static let linkageKeyByteCount = 32

    public let mission: String
    public let keyID: [UInt8]
    public let publicKey: [UInt8]
    public let linkageKey: [UInt8]
    public let hubURL: String?

    /// A mission file; the key id is derived from `publicKey`.
    public init(mission: String, publicKey: [UInt8], linkageKey: [UInt8], hubURL: String? = nil) {
        self.mission = mission
        self.keyID = Self.keyID(for: publicKey)
        self.publicKey = publicKey
        self.linkageKey = linkageKey
        self.hubURL = hubURL
    }

    /// The key id of a sealing public key: the first 8 bytes of its SHA-256.
    public static func keyID(for publicKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(publicKey).prefix(8))
    }

    /// SHA-256 over the format, mission, key id, public key, linkage key and hub URL (each as
    /// a line), first 10 bytes as five groups of 4 hex digits: `3f2a-91c0-5b77-0e1d-a4c2`.
    public var fingerprint: String {
        let text = [Self.format, mission, Hex.encode(keyID), Hex.encode(publicKey), Hex.encode(linkageKey), hubURL ?? ""]
            .joined(separator: "\n") + "\n"
        let hex = Hex.encode(Array(SHA256.hash(Array(text.utf8)).prefix(10)))
        return stride(from: 0, to: hex.count, by: 4).map { start in
            String(hex.dropFirst(start).prefix(4))
        }.joined(separator: "-")
    }

    /// A sealer to this file's key, for one write transaction.
    public func sealer() throws -> ValueSealer {
        try ValueSealer(keyID: keyID, publicKey: publicKey)
    }

    /// The file's bytes: pretty JSON with sorted keys and a final newline.
    public func encode() -> [UInt8] {
        var object = JSONObject()
        object["format"] = .string(Self.format)
        object["mission"] = .string(mission)
        object["sealingKey"] = .object(JSONObject(["keyId": .string(Hex.encode(keyID)), "publicKey": .string(Hex.encode(publicKey))]))
        object["linkageKey"] = .string(Hex.encode(linkageKey))
        if let hubURL { object["hubUrl"] = .string(hubURL) }
        object["fingerprint"] = .string(fingerprint)
        return JSON.encodeBytes(.object(object), pretty: true, sortedKeys: true) + [0x0A]
    }

    /// What is wrong with a mission file; `message` names the member.
    public struct Problem: Error, Sendable {
        public let message: String
        init(_ message: String) { self.message = message }
    }

    /// Parses and checks a mission file (every rule of the format above).
    public static func decode(_ bytes: [UInt8]) throws(Problem) -> MissionFile {
        let parsed: JSONValue
        do { parsed = try JSON.parse(bytes) } catch { throw Problem("it is not JSON: \(error)") }
        guard let object = parsed.objectValue else { throw Problem("it is not a JSON object") }
        if let extra = Set(object.keys).subtracting(["format", "mission", "sealingKey", "linkageKey", "hubUrl", "fingerprint"]).sorted().first {
            throw Problem("it has an unknown member \(extra)")
        }
        guard object["format"]?.stringValue == format else { throw Problem("format is not \(format)") }
        guard let mission = object["mission"]?.stringValue, Intake.isMissionCode(mission) else { throw Problem("mission is not a mission code") }
        guard let sealing = object["sealingKey"]?.objectValue, Set(sealing.keys) == ["keyId", "publicKey"] else {
            throw Problem("sealingKey must be an object with keyId and publicKey")
        }
        let publicKey = try hex(sealing["publicKey"], "sealingKey.publicKey", count: 32)
        guard (try? X25519.PublicKey(rawRepresentation: publicKey)) != nil else { throw Problem("sealingKey.publicKey is not an X25519 key") }
        guard try hex(sealing["keyId"], "sealingKey.keyId", count: 8) == keyID(for: publicKey) else {
            throw Problem("sealingKey.keyId is not the id of sealingKey.publicKey")
        }
        let linkage = try hex(object["linkageKey"], "linkageKey", count: linkageKeyByteCount)
        var hubURL: String?
        if let value = object["hubUrl"] {
            guard let text = value.stringValue, !text.isEmpty else { throw Problem("hubUrl must be a non-empty string") }
            hubURL = text
        }
        let file = MissionFile(mission: mission, publicKey: publicKey, linkageKey: linkage, hubURL: hubURL)
        guard object["fingerprint"]?.stringValue == file.fingerprint else {
            throw Problem("its fingerprint does not match its content (damaged or edited)")
        }
        return file
    }

    private static func hex(_ value: JSONValue?, _ name: String, count: Int) throws(Problem) -> [UInt8] {
        guard let text = value?.stringValue, text == text.lowercased(), let bytes = Hex.decode(text), bytes.count == count else {
            throw Problem("\(name) must be \(count * 2) lowercase hex digits")
        }
        return bytes
    }
}
