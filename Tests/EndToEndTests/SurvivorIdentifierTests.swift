import Foundation
import Testing

/// Issue 16, "Survivor codes without names": the real `fieldnode report add` derives the
/// survivor codes and encoding from `victims[].identifiers` and stores nothing of them. After
/// the command, every file of the data directory (store, WAL, anything else) is searched for
/// the name, the phone and the date of birth in every form an encoding could give them.
@Suite struct SurvivorIdentifierTests {
    static let name = "Marie-Claire N'Zéyimana", phone = "+236 72 12 34 56", dateOfBirth = "1998-04-12"

    static func report(identifiers: Bool) -> String {
        let victim = identifiers
            ? #"{"ageBand": "18_24", "sex": "female", "identifiers": {"name": "\#(name)", "phone": "\#(phone)", "dateOfBirth": "\#(dateOfBirth)"}}"#
            : #"{"ageBand": "18_24", "sex": "female"}"#
        return #"{"mission": "MINUSCA", "channel": "hotline", "incident": {"area": "Bambari"}, "#
            + #""allegation": {"types": ["sexual_exploitation"], "narrative": "Offered money."}, "victims": [\#(victim)], "#
            + #""consent": {"shareWithInvestigators": true, "victimAssistanceReferral": true, "followUpContact": false}}"#
    }

    /// The needles: each name token and the whole name (as typed, lowercased, uppercased, without
    /// accents, normalised), the phone (as typed, digits only, national), the date of birth
    /// (as typed, digits only), each in UTF-8, UTF-16LE and UTF-16BE.
    static var needles: [(String, [UInt8])] {
        var texts = [name, name.lowercased(), name.uppercased(), "Zéyimana", "zeyimana", "ZEYIMANA", "Zeyimana", "nzeyimana",
                     "nzeimana", "Marie", "marie", "Claire", "claire", "claire marie nzeimana",
                     phone, "72 12 34 56", "72123456", "23672123456", "1998-04-12", "19980412", "12/04/1998"]
        texts += texts.map { $0.replacingOccurrences(of: "é", with: "e") }
        var out: [(String, [UInt8])] = []
        for text in Set(texts) {
            out.append((text + " (UTF-8)", Array(text.utf8)))
            out.append((text + " (UTF-16LE)", text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
            out.append((text + " (UTF-16BE)", text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
        }
        return out
    }

    static func files(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var out: [String] = []
        while let entry = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + entry
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { out.append(path) }
        }
        return out
    }

    private func initialised(key: Bool) async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let dataDir = directory.path + "/data"
        let result = try await NodeProcess.run(["init", "--mission", "MINUSCA", "--node-name", "e2e", "--data-dir", dataDir])
        try #require(result.status == 0, "\(result.stderr)")
        if key {
            let path = dataDir + "/linkage.key"
            try Data((String(repeating: "9e", count: 32) + "\n").utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        return (directory, dataDir)
    }

    @Test func noIdentifierSurvivesInAnyFileOfTheDataDirectory() async throws {
        let (directory, dataDir) = try await initialised(key: true)
        let path = directory.path + "/report.json"
        try Data(Self.report(identifiers: true).utf8).write(to: URL(fileURLWithPath: path))
        let added = try await NodeProcess.run(["report", "add", "--json", path, "--data-dir", dataDir])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(!added.stdout.contains("Zéyimana") && !added.stderr.contains("Zéyimana"))

        let files = Self.files(under: dataDir)
        #expect(files.contains { $0.hasSuffix("/node.sqlite") })
        var all: [UInt8] = []
        for file in files { all += Array(try Data(contentsOf: URL(fileURLWithPath: file))) }
        // The codes were stored: their field names are in the store (values are keyed HMACs).
        for field in ["victims[0].survivorCode", "victims[0].survivorPhoneCode", "victims[0].survivorEncoding"] {
            #expect(Self.contains(all, Array(field.utf8)), "\(field) was not stored")
        }
        for (label, needle) in Self.needles {
            #expect(!Self.contains(all, needle), "found \(label) in the data directory")
        }
    }

    @Test func withoutALinkageKeyIdentifiersAreRefusedAndNothingIsSaved() async throws {
        let (directory, dataDir) = try await initialised(key: false)
        let path = directory.path + "/report.json"
        try Data(Self.report(identifiers: true).utf8).write(to: URL(fileURLWithPath: path))
        let refused = try await NodeProcess.run(["report", "add", "--json", path, "--data-dir", dataDir])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("victims[0].identifiers: this laptop has no linkage key"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("Zéyimana") && !refused.stderr.contains("72 12"))
        #expect(try await StoreInspection.inspect(dataDir: dataDir).reportCount == 0)
        // A report without identifiers needs no key.
        try Data(Self.report(identifiers: false).utf8).write(to: URL(fileURLWithPath: path))
        let plain = try await NodeProcess.run(["report", "add", "--json", path, "--data-dir", dataDir])
        #expect(plain.status == 0, "\(plain.stderr)")
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        while let found = haystack[index...].firstIndex(of: first) {
            if found + needle.count > haystack.count { return false }
            if haystack[found..<(found + needle.count)].elementsEqual(needle) { return true }
            index = found + 1
        }
        return false
    }
}
