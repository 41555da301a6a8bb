import Collections
import Foundation
import JSON
import NodeKit
import Testing
import TestSupport

/// The mission file (sync-v1.md §19.6): without it a laptop records nothing; with it every
/// report is sealed to its key; a damaged, foreign or loosely readable one is refused.
@Suite struct NodeMissionFileTests {
    @Test func withoutAMissionFileNoReportIsStoredAndTheOperatorIsToldWhatToDo() throws {
        let node = try TestNode()
        let created = node.run(["init", "--mission", "MINUSCA", "--node-name", "desk"])
        #expect(created.status == 0)
        #expect(created.stdout.contains("next: install the mission file with 'fieldnode init --mission-file FILE'"))
        let before = try node.snapshot()
        let path = try node.file("r.json", JSON.encodeBytes(Reports.valid))
        for arguments in [["report", "add", "--json", path], ["report", "new"]] {
            let refused = node.run(arguments, stdin: "y\n")
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.stderr.hasPrefix("error: this laptop has no mission file"), "\(refused.stderr)")
            #expect(refused.stderr.contains("hint: ask the hub admin for the mission file (`missionhub mission-file --out FILE`)"))
            #expect(!refused.stderr.contains("Locality"), "report new must refuse before asking")
        }
        #expect(try node.snapshot() == before)
        // Installing it on the existing node: from then on reports are stored, sealed.
        let file = try TestMissionFile.write(to: node.root + "/mission.json")
        let installed = node.run(["init", "--mission", "MINUSCA", "--node-name", "desk", "--mission-file", file])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("mission file fingerprint: \(TestMissionFile.make().fingerprint)"))
        let saved = try node.add(Reports.valid)
        #expect(try node.opened(saved.id)["incident"]?["area"] == "Bambari")
        #expect(node.run(["init", "--mission", "MINUSCA", "--node-name", "desk", "--mission-file", file]).stdout
                == "the node already has this mission file; nothing was changed\n")
    }

    @Test func aForeignDamagedOrExposedMissionFileIsRefused() throws {
        let node = try TestNode()
        let other = try TestMissionFile.write(mission: "UNMISS", to: node.root + "/unmiss.json")
        let foreign = node.run(["init", "--mission", "MINUSCA", "--node-name", "desk", "--mission-file", other])
        #expect(foreign.status == 1)
        #expect(foreign.stderr.hasPrefix("error: the mission file is for mission UNMISS, not MINUSCA; nothing was changed\n"))
        #expect(!FileManager.default.fileExists(atPath: node.storePath))

        var text = String(decoding: TestMissionFile.make().encode(), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"linkageKey\": \"5a5a", with: "\"linkageKey\": \"5a5b")
        let edited = try node.file("edited.json", Array(text.utf8))
        let damaged = node.run(["init", "--mission", "MINUSCA", "--node-name", "desk", "--mission-file", edited])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("is not a valid mission file: its fingerprint does not match its content"))
        #expect(!FileManager.default.fileExists(atPath: node.storePath))

        try node.initialise()
        let installed = node.dataDir + "/mission.json"
        let mode = try FileManager.default.attributesOfItem(atPath: installed)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        chmod(installed, 0o644)
        let path = try node.file("r.json", JSON.encodeBytes(Reports.valid))
        let exposed = node.run(["report", "add", "--json", path])
        #expect(exposed.status == 1)
        #expect(exposed.stderr.contains("the mission file \(installed) is unsafe"))
        #expect(exposed.stderr.contains("chmod 0600"))
    }
}
