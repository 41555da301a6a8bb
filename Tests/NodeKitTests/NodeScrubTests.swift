import Foundation
import JSON
import NodeKit
import SQLite
import SyncEngine
import Testing
import TestSupport

/// The narrative is scrubbed before it is stored, on every path that takes one (issue 16):
/// `report add` with the victims' identifiers, `report new` (shown to the operator, who keeps
/// or retypes it), and `report amend --set allegation.narrative=…`.
@Suite struct NodeScrubTests {
    static let narrative = "Jane called from 070 12 34 56. Her uncle Moussa Keita took her to 12 rue Lamothe; "
        + "TESTPERSON wrote to jane.t@gmail.com."
    static let scrubbed = "[NAME] called from [PHONE]. Her uncle [NAME] took her to [ADDRESS]; "
        + "[NAME] wrote to [EMAIL]."

    /// Every byte of the node's store files, to check a value is nowhere (WAL included).
    static func storeBytes(_ node: TestNode) throws -> Data {
        var all = Data()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: node.storePath + suffix) {
            all += try Data(contentsOf: URL(fileURLWithPath: node.storePath + suffix))
        }
        return all
    }

    /// The narrative the store holds for the node's only report, opened with the test mission
    /// file's key: the laptop seals it at intake and cannot read it back.
    static func storedNarrative(_ node: TestNode, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue? {
        let documents = try Store.open(path: node.storePath).documents("report")
        #expect(documents.count == 1, sourceLocation: sourceLocation)
        let document = try #require(documents.first, sourceLocation: sourceLocation)
        let stored = try #require(document.value("allegation.narrative"), "no narrative stored", sourceLocation: sourceLocation)
        guard case .sealed = stored else {
            Issue.record("the narrative is stored in clear: \(stored)", sourceLocation: sourceLocation)
            return nil
        }
        guard case .string(let text) = try TestMissionFile.open(stored, entity: document.entity, field: "allegation.narrative") else {
            Issue.record("the opened narrative is not text", sourceLocation: sourceLocation)
            return nil
        }
        return .string(text)
    }

    /// `report show --json REF` shows the narrative as `(sealed)`: the laptop cannot read it back.
    static func expectShownSealed(_ node: TestNode, _ ref: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let show = node.run(["report", "show", ref, "--json"])
        #expect(show.status == 0, "\(show.stderr)", sourceLocation: sourceLocation)
        let shown = try show.json(sourceLocation: sourceLocation)
        #expect(shown["report"]?["allegation"]?["narrative"] == "(sealed)", sourceLocation: sourceLocation)
        #expect(shown["sealed"]?.arrayValue?.contains("allegation.narrative") == true, sourceLocation: sourceLocation)
    }

    static func expectAbsent(_ values: [String], in node: TestNode, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try storeBytes(node)
        for value in values {
            #expect(bytes.range(of: Data(value.utf8)) == nil, "\(value) is in the store", sourceLocation: sourceLocation)
        }
    }

    @Test func reportAddStoresTheNarrativeScrubbedWithTheVictimsIdentifiers() throws {
        let node = try TestNode()
        try node.initialise()
        var document = Reports.valid
        guard case .object(var root) = document, case .object(var allegation)? = root["allegation"] else { Issue.record(); return }
        allegation["narrative"] = .string(Self.narrative)
        root["allegation"] = .object(allegation)
        document = .object(root)
        let path = try node.file("report.json", JSON.encodeBytes(document))
        let result = node.run(["report", "add", "--json", path, "--output", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("narrative scrubbed before saving: replaced 3 names, 1 phone number, 1 e-mail address, 1 street address"))
        let ref = try #require(try result.json()["ref"]?.stringValue)
        #expect(try Self.storedNarrative(node) == .string(Self.scrubbed))
        try Self.expectShownSealed(node, ref)
        try Self.expectAbsent(["Jane", "TESTPERSON", "Testperson", "Moussa", "Keita", "070 12 34 56", "Lamothe", "jane.t"], in: node)
    }

    /// Scrubbing rebuilds the report from its stored form, which holds no identifiers: the
    /// survivor codes derived from them at parse time must still be written.
    @Test func scrubbingKeepsTheSurvivorCodesDerivedFromTheIdentifiers() throws {
        let node = try TestNode()
        try node.initialise()
        guard case .object(var root) = Reports.valid, case .object(var allegation)? = root["allegation"] else { Issue.record(); return }
        allegation["narrative"] = .string("Awa Kone said a man called Didier calls her on 75 12 34 56.")
        root["allegation"] = .object(allegation)
        root["victims"] = try JSON.parse(Array(#"[{"ageBand": "18_24", "sex": "female", "identifiers": {"name": "Awa Kone", "phone": "75 12 34 56"}}]"#.utf8))
        let path = try node.file("report.json", JSON.encodeBytes(.object(root)))
        let result = node.run(["report", "add", "--json", path, "--output", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("narrative scrubbed before saving"), "\(result.stderr)")
        let store = try Store.open(path: node.storePath)
        let documents = try store.documents("report")
        #expect(documents.count == 1)
        let fields = try #require(documents.first).fields
        #expect(fields["victims[0].survivorPhoneCode"] != nil, "the survivor code was lost when the narrative was scrubbed")
        #expect(fields["victims[0].survivorEncoding"] != nil)
        try Self.expectAbsent(["Awa", "Kone", "Didier", "75 12 34 56"], in: node)
    }

    @Test func reportNewShowsTheScrubbedNarrativeAndStoresIt() throws {
        let node = try TestNode()
        try node.initialise()
        let answers = ["", "1", "", "", "Bambari", "", "", "3",
                       "Jane Testperson said Sgt Kofi paid her.", "Call her on +236 70 12 34 56.", ".",
                       "y", "3", "1", "y", "Jane Testperson", "70123456", "",   // victim with identifiers
                       "n", "n", "", "n", "n", "n",
                       "", "y"]
        let result = node.run(["report", "new", "--output", "json"], stdin: answers.map { $0 + "\n" }.joined())
        #expect(result.status == 0, "\(result.stderr)")
        let expected = "[NAME] said Sgt [NAME] paid her.\nCall her on [PHONE]."
        #expect(result.stderr.contains("allegation.narrative"))
        #expect(result.stderr.contains("[NAME] said Sgt [NAME] paid her."))
        #expect(result.stderr.contains("as it will be stored: replaced 2 names, 1 phone number"))
        #expect(!result.stderr.contains("Kofi paid"))
        let ref = try #require(try result.json()["ref"]?.stringValue)
        #expect(try Self.storedNarrative(node) == .string(expected))
        try Self.expectShownSealed(node, ref)
        try Self.expectAbsent(["Jane", "Testperson", "Kofi", "70 12 34 56"], in: node)
    }

    @Test func reportNewLetsTheOperatorRetypeTheNarrative() throws {
        let node = try TestNode()
        try node.initialise()
        // "Mr Bambari" is a false name: the operator retypes the narrative as it should be stored.
        let answers = ["", "1", "", "", "Bambari", "", "", "3",
                       "She met Mr Bambari at the market.", ".",
                       "n", "n", "n", "", "n", "n", "n",
                       "n", "She met [NAME] at the market in Bambari.", ".", "y", "y"]
        let result = node.run(["report", "new", "--output", "json"], stdin: answers.map { $0 + "\n" }.joined())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("The narrative as it will be stored:\nShe met [NAME] at the market in Bambari."))
        let ref = try #require(try result.json()["ref"]?.stringValue)
        #expect(try Self.storedNarrative(node) == "She met [NAME] at the market in Bambari.")
        try Self.expectShownSealed(node, ref)
    }

    @Test func anAmendedNarrativeIsScrubbedWithTheIdentifiersGiven() throws {
        let node = try TestNode()
        try node.initialise()
        let saved = try node.add(Reports.valid)
        let result = node.run(["report", "amend", saved.ref, "--set", "allegation.narrative=Jane gave 0701234567 and lives at 4 avenue Boganda.",
                               "--identifiers", "-"], stdin: #"{"name": "Jane Testperson"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("narrative scrubbed before saving: replaced 1 name, 1 phone number, 1 street address"))
        #expect(try Self.storedNarrative(node) == "[NAME] gave [PHONE] and lives at [ADDRESS].")
        try Self.expectShownSealed(node, saved.ref)
        try Self.expectAbsent(["Jane", "0701234567", "Boganda"], in: node)
        // Bad identifiers change nothing.
        let before = try node.snapshot()
        let bad = node.run(["report", "amend", saved.ref, "--set", "allegation.narrative=x", "--identifiers", "-"], stdin: "{")
        #expect(bad.status == 1 && bad.stderr.contains("the identifiers are not valid JSON"))
        #expect(try node.snapshot() == before)
    }
}
