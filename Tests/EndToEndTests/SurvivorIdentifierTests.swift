import Foundation
import SyncEngine
import Testing
import TestSupport

/// Issue 16, "Survivor codes without names": the real `fieldnode report add` derives the
/// survivor codes and encoding from `victims[].identifiers` and stores nothing of them. After
/// the command, every file of the data directory (store, WAL, anything else) is searched for
/// the name, the phone and the date of birth in every form an encoding could give them. The
/// codes are sealed at intake to the hub key of the mission file (which also carries the linkage
/// key): a laptop without a mission file records nothing.
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

    /// A node made by the real `fieldnode init`, with the test mission file when `missionFile`.
    private func initialised(missionFile: Bool) async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let dataDir = directory.path + "/data"
        var arguments = ["init", "--mission", "MINUSCA", "--node-name", "e2e", "--data-dir", dataDir]
        if missionFile { arguments += ["--mission-file", try TestMissionFile.write(to: directory.path + "/mission.json")] }
        let result = try await NodeProcess.run(arguments)
        try #require(result.status == 0, "\(result.stderr)")
        return (directory, dataDir)
    }

    static let survivorFields = ["victims[0].survivorCode", "victims[0].survivorPhoneCode", "victims[0].survivorEncoding"]

    /// The codes were stored, each a sealed value (read through the store: field names may be
    /// interned, so they need not appear as bytes in the file).
    static func expectSurvivorFieldsSealed(dataDir: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let documents = try Store.open(path: dataDir + "/node.sqlite").documents("report")
        #expect(documents.count == 1, sourceLocation: sourceLocation)
        let document = try #require(documents.first, sourceLocation: sourceLocation)
        for field in survivorFields {
            guard let value = document.value(field) else {
                Issue.record("\(field) was not stored", sourceLocation: sourceLocation)
                continue
            }
            guard case .sealed = value else {
                Issue.record("\(field) is not stored sealed: \(value)", sourceLocation: sourceLocation)
                continue
            }
            // It opens with the hub key, to a keyed code (never the identifiers themselves).
            #expect(try TestMissionFile.open(value, entity: document.entity, field: field) != value, sourceLocation: sourceLocation)
        }
    }

    @Test func noIdentifierSurvivesInAnyFileOfTheDataDirectory() async throws {
        let (directory, dataDir) = try await initialised(missionFile: true)
        let path = directory.path + "/report.json"
        try Data(Self.report(identifiers: true).utf8).write(to: URL(fileURLWithPath: path))
        let added = try await NodeProcess.run(["report", "add", "--json", path, "--data-dir", dataDir])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(!added.stdout.contains("Zéyimana") && !added.stderr.contains("Zéyimana"))

        let files = Self.files(under: dataDir)
        #expect(files.contains { $0.hasSuffix("/node.sqlite") })
        var all: [UInt8] = []
        for file in files { all += Array(try Data(contentsOf: URL(fileURLWithPath: file))) }
        // The codes were stored, sealed (their values are keyed HMACs under the seal).
        try Self.expectSurvivorFieldsSealed(dataDir: dataDir)
        for (label, needle) in Self.needles {
            #expect(!Self.contains(all, needle), "found \(label) in the data directory")
        }
    }

    @Test func withoutAMissionFileIdentifiersAreRefusedAndNothingIsSaved() async throws {
        let (directory, dataDir) = try await initialised(missionFile: false)
        let path = directory.path + "/report.json"
        try Data(Self.report(identifiers: true).utf8).write(to: URL(fileURLWithPath: path))
        let refused = try await NodeProcess.run(["report", "add", "--json", path, "--data-dir", dataDir])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("this laptop has no mission file"), "\(refused.stderr)")
        for (label, needle) in Self.needles {
            #expect(!Self.contains(Array(refused.stderr.utf8), needle) && !Self.contains(Array(refused.stdout.utf8), needle),
                    "the refusal echoes \(label)")
        }
        #expect(try await StoreInspection.inspect(dataDir: dataDir).reportCount == 0)
        var all: [UInt8] = []
        for file in Self.files(under: dataDir) { all += Array(try Data(contentsOf: URL(fileURLWithPath: file))) }
        for (label, needle) in Self.needles {
            #expect(!Self.contains(all, needle), "found \(label) in the data directory")
        }
        // Once the mission file is installed on this node, the same report is recorded, its
        // survivor codes sealed.
        let missionFile = try TestMissionFile.write(to: directory.path + "/mission.json")
        let installed = try await NodeProcess.run(["init", "--mission", "MINUSCA", "--node-name", "e2e", "--mission-file", missionFile,
                                                   "--data-dir", dataDir])
        try #require(installed.status == 0, "\(installed.stderr)")
        let added = try await NodeProcess.run(["report", "add", "--json", path, "--data-dir", dataDir])
        #expect(added.status == 0, "\(added.stderr)")
        try Self.expectSurvivorFieldsSealed(dataDir: dataDir)
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
