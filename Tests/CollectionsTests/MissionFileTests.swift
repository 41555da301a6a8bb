import Collections
import Crypto
import Foundation
import SyncProtocol
import Testing

/// The mission file (sync-v1.md §19.6): what `missionhub mission-file` writes, `fieldnode init`
/// reads back exactly; every rule of the format refuses what breaks it, naming the member.
@Suite struct MissionFileTests {
    /// RFC 7748 §6.1's Bob as the hub's key; a linkage key of 32 bytes 0x11.
    static let file = MissionFile(mission: "MINUSCA",
                                  publicKey: Hex.decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")!,
                                  linkageKey: [UInt8](repeating: 0x11, count: 32), hubURL: "https://hub.minusca.example")

    @Test func itRoundTripsAndItsFingerprintIsFixedByItsContent() throws {
        #expect(try MissionFile.decode(Self.file.encode()) == Self.file)
        #expect(Hex.encode(Self.file.keyID) == "f35e5616160a30bf")  // the key id of sealed.json's recipient
        // sync-v1.md §19.6: SHA-256 over the six lines, first 10 bytes in groups of four.
        let lines = "fieldsync-mission-1\nMINUSCA\nf35e5616160a30bf\nde9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f\n"
            + String(repeating: "11", count: 32) + "\nhttps://hub.minusca.example\n"
        let digest = Hex.encode(Array(SHA256.hash(Array(lines.utf8)).prefix(10)))
        #expect(Self.file.fingerprint.replacingOccurrences(of: "-", with: "") == digest)
        #expect(Self.file.fingerprint.split(separator: "-").map(\.count) == [4, 4, 4, 4, 4])
        let other = MissionFile(mission: "MINUSCA", publicKey: Self.file.publicKey, linkageKey: [UInt8](repeating: 0x12, count: 32),
                                hubURL: Self.file.hubURL)
        #expect(other.fingerprint != Self.file.fingerprint, "the linkage key is part of what the operator compares")
    }

    @Test func everyBrokenRuleIsRefusedNamingTheMember() throws {
        let text = String(decoding: Self.file.encode(), as: UTF8.self)
        let cases: [(String, String)] = [
            (text.replacingOccurrences(of: "f35e5616160a30bf", with: "f35e5616160a30be"), "sealingKey.keyId is not the id of sealingKey.publicKey"),
            (text.replacingOccurrences(of: "\"MINUSCA\"", with: "\"minusca\""), "mission is not a mission code"),
            (text.replacingOccurrences(of: "fieldsync-mission-1", with: "fieldsync-mission-2"), "format is not fieldsync-mission-1"),
            (text.replacingOccurrences(of: "\"hubUrl\"", with: "\"hubURL\""), "unknown member hubURL"),
            (text.replacingOccurrences(of: "1111\"", with: "11\""), "linkageKey must be 64 lowercase hex digits"),
            (text.replacingOccurrences(of: "https://hub.minusca.example", with: "https://hub.other.example"), "fingerprint does not match"),
            ("[1]", "not a JSON object"),
            ("{", "not JSON"),
        ]
        for (bytes, message) in cases {
            do {
                _ = try MissionFile.decode(Array(bytes.utf8))
                Issue.record("accepted: \(message)")
            } catch {
                #expect(error.message.contains(message), "\(error.message) should say \(message)")
            }
        }
    }
}
