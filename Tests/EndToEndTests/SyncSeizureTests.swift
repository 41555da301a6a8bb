import Foundation
import JSON
import Testing
import Zlib

/// Issue 16: a seized laptop shows metadata only, and so does a hub backup without the key.
/// A full session on a real laptop (init with the mission file, reports with distinctive
/// details, amendments, a sync to a real hub), then every file of its data directory is read
/// raw and inflated, and searched for those details in every encoding (`SeizedFiles`): none is
/// there. The hub, with its key, opens them all (so the search is not looking at nothing).
@Suite struct SyncSeizureTests {
    static let narrative = "Wendeline saw the Quokkaberg patrol at dawn near the river"
    static let amendedNarrative = "Corrected: the Plimsoll convoy came twice before curfew"
    static let premises = "Chez Zorbalune"
    static let unit = "Vexmoor Battalion 9"
    static let area = "Ouandjia-Kotto-Xylo"
    static let amendedArea = "Birao-Quintessa"
    static let name = "Philomene Testarossa"
    static let phone = "+236 75 55 01 99"
    static let latitude = 8.1234  // stored coarsened: 8.12

    /// The distinctive values, and the closed-list details of the victim, the accused and the needs.
    static let secrets = [narrative, amendedNarrative, premises, unit, area, amendedArea, name, phone, "75 55 01 99",
                          "Quokkaberg", "Plimsoll", "Zorbalune", "Vexmoor", "Quintessa",
                          "12_14", "female", "formed_police_unit", "paternity_support", "sexual_activity_with_minor", "2026-11-17"]
    /// The coarsened latitude as a double, in both byte orders.
    static let binary: [(name: String, bytes: [UInt8])] = {
        let bits = (8.12).bitPattern
        let big = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64($0))) }
        return [("latitude 8.12 (big-endian)", big), ("latitude 8.12 (little-endian)", big.reversed())]
    }()

    static func report(_ index: Int) -> String {
        """
        {"mission": "MINUSCA", "channel": "hotline",
         "incident": {"date": "2026-11-17", "area": "\(area)", "premises": "\(premises)",
                      "coordinates": {"lat": \(latitude), "lon": 22.4\(index)}},
         "allegation": {"types": ["sexual_activity_with_minor"], "narrative": "\(narrative) (\(index))"},
         "victims": [{"ageBand": "12_14", "sex": "female", "identifiers": {"name": "\(name)", "phone": "\(phone)"}}],
         "alleged": [{"personnelCategory": "formed_police_unit", "nationality": "unknown", "unit": "\(unit)"}],
         "needs": ["paternity_support", "medical"],
         "consent": {"shareWithInvestigators": true, "victimAssistanceReferral": true, "followUpContact": false}}
        """
    }

    @Test(.timeLimit(.minutes(3)))
    func aSeizedLaptopAndAHubBackupHoldNoSealedContent() async throws {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let node = try await cluster.addNode("desk")
        var refs: [String] = []
        for index in 0..<3 {
            let path = cluster.directory + "/report-\(index).json"
            try Data(Self.report(index).utf8).write(to: URL(fileURLWithPath: path))
            let added = try await cluster.node(node, ["report", "add", "--json", path, "--output", "json"])
            refs.append(try #require(try added.json()["ref"]?.stringValue, "\(added)"))
            try FileManager.default.removeItem(atPath: path)  // the operator's draft is not the laptop's store
        }
        let amended = try await cluster.node(node, ["report", "amend", refs[0], "--set", "incident.area=\(Self.amendedArea)",
                                                    "--set", "allegation.narrative=\(Self.amendedNarrative)", "--set", "victims[0].sex=female"])
        #expect(amended.succeeded, "\(amended)")
        #expect(try await cluster.sync(node).succeeded)
        // More after the sync, queued: the laptop is seized with unsent reports too.
        #expect(try await cluster.node(node, ["report", "amend", refs[1], "--set", "alleged[0].unit=\(Self.unit) HQ"]).succeeded)

        // The laptop shows metadata only, and says why.
        let shownOnLaptop = try await cluster.node(node, ["report", "show", refs[0]])
        #expect(shownOnLaptop.stdout.contains("cannot read them back") && !shownOnLaptop.stdout.contains("Birao"), "\(shownOnLaptop)")
        // The hub, with its key, opens every one of them (the search below looks at real ciphertext).
        let opened = try await cluster.hubCommand(["report", "show", refs[0], "--json"]).json()
        #expect(opened["fields"]?["allegation.narrative"] == .string(Self.amendedNarrative), "\(opened)")
        #expect(opened["fields"]?["incident.area"] == .string(Self.amendedArea))
        #expect(opened["fields"]?["incident.premises"] == .string(Self.premises))
        #expect(opened["fields"]?["alleged[0].unit"] == .string(Self.unit))
        #expect(opened["fields"]?["victims[0].ageBand"] == "12_14" && opened["fields"]?["incident.coordinates.lat"] == .double(8.12))
        #expect(opened["sealed"]?["unopened"] == 0)

        // Seize the laptop: every file of its data directory.
        let laptop = try SeizedFiles.search(node.dataDir, for: Self.secrets, binary: Self.binary)
        #expect(laptop.filesRead.contains(node.storePath) && laptop.filesRead.contains(node.dataDir + "/mission.json")
                && laptop.filesRead.contains(node.dataDir + "/credentials.json"), "\(laptop.filesRead)")
        #expect(laptop.findings.isEmpty, "on the seized laptop: \(laptop.findings)")
        // What stays clear is there to be found, in the store itself: the search reads it.
        let clear = try SeizedFiles.search(node.dataDir, for: [refs[0], "hotline"])
        #expect(clear.findings.contains { $0.file.hasPrefix(node.storePath) && $0.secret == refs[0] }, "\(clear.findings)")

        // A hub backup, and the hub's whole data directory and logs without its keys.
        let backup = cluster.directory + "/hub-backup.sqlite"
        #expect(try await cluster.hubCommand(["backup", "--out", backup]).succeeded)
        let copy = try SeizedFiles.search(backup, for: Self.secrets, binary: Self.binary)
        #expect(copy.filesRead == [backup])
        #expect(copy.findings.isEmpty, "in the hub backup: \(copy.findings)")
        let hub = try SeizedFiles.search(cluster.directory, for: Self.secrets, binary: Self.binary) { path in
            path.contains("/keys/") || path.contains("/node-") || path.hasSuffix("mission.json")
        }
        #expect(hub.filesRead.contains(cluster.hubDir + "/hub.sqlite"))
        #expect(hub.findings.isEmpty, "at the hub without its keys: \(hub.findings)")
    }

    @Test func theSearchFindsWhatIsThere() throws {
        let directory = NSTemporaryDirectory() + "seizure-control-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = Self.narrative
        let noise = [UInt8](repeating: 0xa5, count: 1000)
        let forms: [(String, [UInt8])] = [
            ("utf-8", noise + Array(secret.uppercased().utf8) + noise),
            ("utf-16le", noise + Array(Data(secret.data(using: .utf16LittleEndian)!)) + noise),
            ("hex", Array(("x=" + secret.utf8.map { String(format: "%02X", $0) }.joined()).utf8)),
            ("base64", Array(("{\"k\":\"" + Data(("ab" + secret).utf8).base64EncodedString() + "\"}").utf8)),
            ("gzip", noise + Zlib.compress(Array(secret.utf8), format: .gzip) + noise),
            ("zlib", noise + Zlib.compress(Array(("pad" + secret).utf8), format: .zlib) + noise),
        ]
        for (name, bytes) in forms { try Data(bytes).write(to: URL(fileURLWithPath: directory + "/sub/" + name)) }
        try Data(Self.binary[0].bytes).write(to: URL(fileURLWithPath: directory + "/double"))
        let found = try SeizedFiles.search(directory, for: [secret], binary: Self.binary)
        for (name, _) in forms {
            #expect(found.findings.contains { $0.file.hasSuffix("/sub/" + name) || $0.file.contains("/sub/\(name) (") }, "\(name) not found: \(found.findings)")
        }
        #expect(found.findings.contains { $0.secret.hasPrefix("latitude") })
        #expect(try SeizedFiles.search(directory, for: ["Nothing like this is there"]).findings.isEmpty)
    }
}
