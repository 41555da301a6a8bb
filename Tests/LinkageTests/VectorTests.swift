import Foundation
import JSON
import Testing
@testable import Linkage

/// Protocols/vectors/linkage.json (linkage-v1.md §8): identifiers → normalised form → codes →
/// encoding, under the key the file gives. Each case is recomputed and compared byte for byte.
/// `FIELDSYNC_WRITE_LINKAGE_VECTORS=1 swift test --filter LinkageVectorTests` rewrites the file
/// from `cases` (only when the specification changes on purpose).
@Suite struct LinkageVectorTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocols/vectors/linkage.json").path
    static let key = LinkageKey(bytes: (0..<32).map { UInt8($0 * 7 + 3) })!

    /// (comment, name, phone, date of birth).
    static let cases: [(String, String?, String?, String?)] = [
        ("all three given", "Marie-Claire N'Zéyimana", "+236 72 12 34 56", "1998-04-12"),
        ("swapped, no accents, local phone, day-first date", "NZEYIMANA Marie Claire", "72 12 34 56", "12/04/1998"),
        ("doubled letters and transliteration", "Moussa Djibrilla Maïga", "00223 76 12 34 56", "1987"),
        ("Lebanese 7-digit number, apostrophe", "Rania Al-Ja'afari", "+961 3 123 456", nil),
        ("Balkan letters", "Đorđević Milica", nil, "2004-11-30"),
        ("Arabic script kept as is, vowel signs dropped", "فَاطِمَة", "03 123 456", nil),
        ("name only: an encoding, no code", "Esther Mukendi", nil, nil),
        ("no name: an encoding, no code", nil, "+243 81 234 5678", "2010"),
        ("acute accent typed as an apostrophe, dotted date", "N\u{B4}Diaye A\u{EF}ssatou", "+223 66 12 34 56", "03.07.2001"),
    ]

    static func entry(_ c: (String, String?, String?, String?)) throws -> JSONValue {
        let ids = try SurvivorIdentifiers.normalize(name: c.1, phone: c.2, dateOfBirth: c.3).get()
        let link = try #require(SurvivorLink(ids, key: key))
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func hex(_ b: [UInt8]?) -> JSONValue { b.map { .string(Self.hex($0)) } ?? .null }
        return .object(JSONObject(pairs: [
            ("comment", .string(c.0)),
            ("input", .object(JSONObject(pairs: [("name", opt(c.1)), ("phone", opt(c.2)), ("dateOfBirth", opt(c.3))]))),
            ("normalized", .object(JSONObject(pairs: [("name", opt(ids.name)), ("phone", opt(ids.phone)),
                                                      ("dateOfBirth", opt(ids.dateOfBirth?.description))]))),
            ("nameAndBirthCode", hex(link.codes.nameAndBirth)),
            ("nameAndPhoneCode", hex(link.codes.nameAndPhone)),
            ("encoding", hex(link.encoding.bytes)),
            ("popcount", .int(Int64(link.encoding.popcount))),
        ]))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    @Test func vectorsAreReproduced() throws {
        let expected = JSONValue.object(JSONObject(pairs: [
            ("description", "Protocols/linkage-v1.md §8: survivor codes and CLK encodings (version 1) under `key`."),
            ("key", .string(Self.hex(Self.key.bytes))),
            ("cases", .array(try Self.cases.map(Self.entry))),
        ]))
        if ProcessInfo.processInfo.environment["FIELDSYNC_WRITE_LINKAGE_VECTORS"] == "1" {
            try (JSON.encode(expected, pretty: true) + "\n").write(toFile: Self.path, atomically: true, encoding: .utf8)
        }
        let stored = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.path))))
        let storedCases = try #require(stored["cases"]?.arrayValue)
        let expectedCases = try #require(expected["cases"]?.arrayValue)
        #expect(stored["key"] == expected["key"])
        #expect(storedCases.count == expectedCases.count)
        for (a, b) in zip(storedCases, expectedCases) { #expect(a == b, "\(a["comment"]?.stringValue ?? "")") }
    }

    /// The file read on its own: its key and inputs give its outputs (an independent peer's check).
    @Test func fileAloneDeterminesTheOutputs() throws {
        let stored = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.path))))
        let keyHex = try #require(stored["key"]?.stringValue)
        let key = try #require(LinkageKey(hex: Array(keyHex.utf8)))
        for item in try #require(stored["cases"]?.arrayValue) {
            let input = try #require(item["input"])
            let ids = try SurvivorIdentifiers.normalize(name: input["name"]?.stringValue, phone: input["phone"]?.stringValue,
                                                        dateOfBirth: input["dateOfBirth"]?.stringValue).get()
            let encoding = BloomEncoding(ids, key: key)
            #expect(item["encoding"]?.stringValue == Self.hex(encoding.bytes))
            #expect(item["normalized"]?["name"]?.stringValue == ids.name)
        }
    }
}
