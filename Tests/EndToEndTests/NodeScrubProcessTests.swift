import Foundation
import JSON
import SyncEngine
import Testing
import TestSupport

/// The real `fieldnode` binary scrubs a narrative before storing it (issue 16): a report whose
/// narrative holds the survivor's name and phone (given in `victims[].identifiers`) is stored
/// with placeholders (sealed to the hub key of the mission file: read back here with the test
/// mission file's private key), and neither value is anywhere in the data directory.
@Suite struct NodeScrubProcessTests {
    @Test func aNarrativeWithTheSurvivorsNameAndPhoneIsStoredWithPlaceholders() async throws {
        let directory = try TemporaryDirectory()
        let dataDir = directory.path + "/data"
        let missionFile = try TestMissionFile.write(to: directory.path + "/mission.json")
        let initialised = try await NodeProcess.run(["init", "--mission", "MINUSCA", "--node-name", "e2e", "--mission-file", missionFile,
                                                     "--data-dir", dataDir])
        try #require(initialised.status == 0, "\(initialised.stderr)")
        let report: JSONValue = [
            "mission": "MINUSCA", "channel": "hotline", "receivedAt": "2026-03-01T14:05:00+01:00",
            "incident": ["area": "Bambari"],
            "allegation": ["types": ["sexual_exploitation"],
                           "narrative": "Mme Odette Zanga-Yakite (her friend calls her ODETTE) can be reached on 00236 72 91 44 08; her cousin Rodrigue saw the soldier."],
            "victims": [["ageBand": "18_24", "sex": "female",
                         "identifiers": ["name": "Odette Zanga Yakité", "phone": "+236 72914408"]]],
            "consent": ["shareWithInvestigators": true, "victimAssistanceReferral": true, "followUpContact": true],
        ]
        let added = try await NodeProcess.run(["report", "add", "--json", "-", "--output", "json", "--data-dir", dataDir],
                                              stdin: JSON.encode(report))
        try #require(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("narrative scrubbed before saving: replaced 3 names, 1 phone number"))
        let ref = try #require(try JSON.parse(Array(added.stdout.utf8))["ref"]?.stringValue)
        // The laptop cannot read the narrative back: it is sealed to the hub key.
        let shown = try await NodeProcess.run(["report", "show", ref, "--json", "--data-dir", dataDir])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(try JSON.parse(Array(shown.stdout.utf8))["report"]?["allegation"]?["narrative"] == "(sealed)")
        // What the store holds, opened with the test mission file's private key: the scrubbed narrative.
        let documents = try Store.open(path: dataDir + "/node.sqlite").documents("report")
        #expect(documents.count == 1)
        let document = try #require(documents.first)
        let stored = try #require(document.value("allegation.narrative"))
        guard case .sealed = stored else { Issue.record("the narrative is stored in clear: \(stored)"); return }
        let narrative = try TestMissionFile.open(stored, entity: document.entity, field: "allegation.narrative")
        #expect(narrative == .string("Mme [NAME] (her friend calls her [NAME]) can be reached on [PHONE]; her cousin [NAME] saw the soldier."))
        // Every byte of every file of the data directory (store, WAL, keys): no value, in any writing.
        var everything = Data()
        for file in try FileManager.default.subpathsOfDirectory(atPath: dataDir) {
            var isDirectory: ObjCBool = false
            let path = dataDir + "/" + file
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                everything += try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        for secret in ["Odette", "ODETTE", "Zanga", "Yakite", "Yakité", "72 91 44 08", "72914408", "Rodrigue"] {
            #expect(everything.range(of: Data(secret.utf8)) == nil, "\(secret) is in the data directory")
        }
    }
}
