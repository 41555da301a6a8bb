import Collections
import Foundation
@testable import HubKit
import JSON
import SyncEngine
import SyncProtocol
import Testing

/// The hub opens what laptops sealed (sync-v1.md §7.3, §19.6): with the private key files of
/// every key it ever had, so a rotation loses nothing; a key file others can read is refused;
/// a value moved to another field does not open.
@Suite struct SealedReportTests {
    /// The mission file `missionhub mission-file` writes for `hub`.
    private func missionFile(_ hub: ReportEventsTests.Received, name: String) async throws -> MissionFile {
        let path = hub.dir + "/../" + name
        let made = await runHub(["mission-file", "--out", path, "--data-dir", hub.dir])
        #expect(made.status == 0, "\(made.error)")
        let file = try MissionFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(made.output.contains("fingerprint:     \(file.fingerprint)"))
        #expect(made.output.contains("sealing key id:  \(Hex.encode(file.keyID))"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        return file
    }

    private func sealed(_ value: Value, _ file: MissionFile, entity: String, field: String) throws -> Value {
        var sealer = try file.sealer()
        return try sealer.seal(value, entity: entity, field: field)
    }

    @Test func reportShowOpensValuesSealedToTheOldAndTheNewKey() async throws {
        let hub = try await ReportEventsTests.Received()
        let (node, entity) = (hub.node, hub.entity)
        let first = try await missionFile(hub, name: "mission-1.json")
        #expect(try await missionFile(hub, name: "mission-1b.json").linkageKey == first.linkageKey, "one linkage key per mission")
        try await hub.apply([
            node.op(7, entity, .set(field: "allegation.narrative", value: try sealed(.string("Sealed account, Bangui."), first, entity: entity, field: "allegation.narrative"),
                                    rank: 0, supersedes: [OpID(origin: node.id, seq: 5)])),
            node.op(8, entity, .add(field: "needs", element: try sealed(.string("shelter"), first, entity: entity, field: "needs"))),
        ])

        let rotated = await runHub(["keys", "rotate", "--data-dir", hub.dir], clock: hub.clock)
        #expect(rotated.status == 0, "\(rotated.error)")
        let second = try await missionFile(hub, name: "mission-2.json")
        #expect(second.keyID != first.keyID)
        #expect(rotated.output.contains("New sealing key \(Hex.encode(second.keyID))"))
        #expect(rotated.output.contains("The old key \(Hex.encode(first.keyID)) is kept"))
        let keys = try JSON.parse(await runHub(["keys", "list", "--json", "--data-dir", hub.dir]).output)
        #expect(keys == [["keyId": .string(Hex.encode(second.keyID)), "current": true, "privateKeyLoaded": true, "createdAt": keys[0]?["createdAt"] ?? .null],
                         ["keyId": .string(Hex.encode(first.keyID)), "current": false, "privateKeyLoaded": true, "createdAt": keys[1]?["createdAt"] ?? .null]])
        try await hub.apply([
            node.op(9, entity, .set(field: "incident.area", value: try sealed(.string("Bimbo"), second, entity: entity, field: "incident.area"), rank: 0, supersedes: [])),
        ])

        let shown = try await hub.shown()
        #expect(shown["fields"]?["allegation.narrative"] == "Sealed account, Bangui.")
        #expect(shown["fields"]?["incident.area"] == "Bimbo")
        #expect(shown["sets"]?["needs"] == ["medical", "shelter"])
        #expect(shown["sealed"] == ["opened": 3, "unopened": 0, "problems": []])
        let text = await runHub(["report", "show", "MINUSCA-AAAA-2M", "--data-dir", hub.dir]).output
        #expect(text.contains("allegation.narrative: Sealed account, Bangui.\n"))
        #expect(!text.contains("(sealed)"))

        // The old key's file readable by others: refused, with what to do.
        let oldKey = hub.dir + "/keys/" + SealingKeyFiles.fileName(keyID: first.keyID)
        chmod(oldKey, 0o644)
        let unsafe = await runHub(["report", "show", "MINUSCA-AAAA-2M", "--data-dir", hub.dir])
        #expect(unsafe.status == 1)
        #expect(unsafe.error.contains("the key file \(oldKey) is unsafe"))
        #expect(unsafe.error.contains("chmod 0600 \(oldKey)"))
        // Moved out of the data directory into a systemd credential directory: found there.
        let credentials = hub.dir + "/../credstore"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        chmod(oldKey, 0o600)
        try FileManager.default.moveItem(atPath: oldKey, toPath: credentials + "/" + SealingKeyFiles.fileName(keyID: first.keyID))
        let fromCredentials = await runHub(["report", "show", "MINUSCA-AAAA-2M", "--json", "--data-dir", hub.dir],
                                           environment: ["HOME": "/nonexistent", "CREDENTIALS_DIRECTORY": credentials])
        #expect(try JSON.parse(fromCredentials.output)["fields"]?["allegation.narrative"] == "Sealed account, Bangui.")
        // Gone altogether: those values stay sealed, and the hub says which key it lacks.
        let lost = try await hub.shown()
        #expect(lost["fields"]?["allegation.narrative"] == "(sealed)")
        #expect(lost["fields"]?["incident.area"] == "Bimbo")
        #expect(lost["sealed"]?["unopened"] == 2)
        #expect(lost["sealed"]?["problems"] == [.string("sealed to key \(Hex.encode(first.keyID)), whose private key is not loaded")])
    }

    @Test func aSealedValueMovedToAnotherFieldOrReportDoesNotOpen() async throws {
        let hub = try await ReportEventsTests.Received()
        let (node, entity) = (hub.node, hub.entity)
        let file = try await missionFile(hub, name: "mission.json")
        let narrative = try sealed(.string("Only for the narrative."), file, entity: entity, field: "allegation.narrative")
        // A thief with the laptop's ops copies a ciphertext into another field.
        try await hub.apply([node.op(7, entity, .set(field: "incident.premises", value: narrative, rank: 0, supersedes: []))])
        let shown = try await hub.shown()
        #expect(shown["fields"]?["incident.premises"] == "(sealed)")
        let problems = try #require(shown["sealed"]?["problems"]?.arrayValue)
        #expect(problems.count == 1 && problems[0].stringValue?.contains("moved from another field or report") == true)
    }
}
