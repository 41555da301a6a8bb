import Collections
import Crypto
import Foundation
import SyncProtocol

/// A mission file for tests whose private sealing key the tests hold, so they can open what a
/// node sealed (a real hub keeps that key to itself). The key is RFC 7748's §6.1 test key: fixed,
/// so runs are reproducible; it protects nothing.
public enum TestMissionFile {
    public static let privateKey = try! X25519.PrivateKey(rawRepresentation: Hex.decode(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")!)
    public static let linkageKey = [UInt8](repeating: 0x5a, count: MissionFile.linkageKeyByteCount)

    /// The mission file of `mission` with the test key.
    public static func make(mission: String = "MINUSCA") -> MissionFile {
        MissionFile(mission: mission, publicKey: privateKey.publicKey.rawRepresentation, linkageKey: linkageKey)
    }

    /// Writes the mission file of `mission` to `path` and returns `path`.
    @discardableResult
    public static func write(mission: String = "MINUSCA", to path: String) throws -> String {
        try Data(make(mission: mission).encode()).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Opens values sealed to the test key.
    public static let opener = ValueOpener(keys: [make().keyID: privateKey])

    /// `value` of `field` of `entity`, opened when sealed (a test failure otherwise shows as a throw).
    public static func open(_ value: Value, entity: String, field: String) throws -> Value {
        guard case .sealed(let sealed) = value else { return value }
        return try opener.open(sealed, entity: entity, field: field)
    }
}
