import FieldModel
import Foundation
import JSON
import Linkage
import NodeKit
import SyncEngine
import Testing

@Suite struct NodeRoundTripTests {
    @Test func initCreatesAPrivateStoreAndSaysWhatItDid() throws {
        let node = try TestNode()
        let result = node.run(["init", "--mission", "MINUSCA", "--node-name", "bangui-desk-1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let store = try node.openStore()
        #expect(result.stdout.contains("initialised field node bangui-desk-1 for mission MINUSCA"))
        #expect(result.stdout.contains("node id:   \(store.nodeID.hex)"))
        #expect(result.stdout.contains("data dir:  \(node.dataDir)"))
        #expect(try store.metadata("mission") == "MINUSCA")
        #expect(try store.metadata("node_name") == "bangui-desk-1")
        #expect(store.role == .node)
        let dirMode = try FileManager.default.attributesOfItem(atPath: node.dataDir)[.posixPermissions] as? Int
        let storeMode = try FileManager.default.attributesOfItem(atPath: node.storePath)[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(storeMode == 0o600)
    }

    @Test func addListShowAmendRoundTrip() throws {
        let node = try TestNode()
        try node.initialise()
        let path = try node.file("report.json", JSON.encodeBytes(Reports.valid))
        let added = node.run(["report", "add", "--json", path])
        #expect(added.status == 0, "\(added.stderr)")
        let match = try #require(added.stdout.wholeMatch(of: /saved (MINUSCA-[0-9A-Z]{4}-[0-9A-Z]{2}) \(id ([0-9a-f]{32}-[0-9a-f]{16})\)\n/))
        let ref = String(match.1), id = String(match.2)
        let code = try #require(ReferenceCode.parse(ref))
        #expect(code.isValid)
        let store = try node.openStore()
        #expect(id.hasPrefix(store.nodeID.hex + "-"))

        // What is stored: the canonical report, coarsened, without identifiers.
        let expected = try Intake.validate(Reports.valid, now: "2026-03-02T09:00:00Z", linkage: .random()).get()
        let show = node.run(["report", "show", ref, "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        let shown = try show.json()
        #expect(try node.opened(id) == expected.toJSON())
        #expect(try node.opened(id)["incident"]?["coordinates"] == ["lat": 5.76, "lon": 20.67])
        // The laptop itself shows only what stays clear; every other field is sealed.
        #expect(shown["report"]?["channel"] == "hotline" && shown["report"]?["incident"]?["area"] == "(sealed)")
        #expect(shown["report"]?["incident"]?["coordinates"] == ["lat": "(sealed)", "lon": "(sealed)"])
        #expect(shown["sealed"]?.arrayValue?.contains("allegation.narrative") == true)
        #expect(node.run(["report", "show", ref]).stdout.contains("this laptop cannot read them back"))
        #expect(shown["derived"] == ["category": 1, "involvesChild": true, "ageUndetermined": false])
        #expect(shown["sync"] == "queued")
        #expect(shown["id"]?.stringValue == id)
        #expect(shown["conflicts"] == [])
        let listing = try store.stateListing().joined(separator: "\n")
        #expect(!listing.contains("Testperson") && !listing.contains("+236") && !listing.contains("5.7621"))
        #expect(!listing.contains("Bambari") && !listing.contains("North checkpoint") && !listing.contains("Offered money"))

        // Tolerant reference parsing, and lookup by id.
        let sloppy = ref.lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(node.run(["report", "show", sloppy, "--json"]).stdout == show.stdout)
        #expect(node.run(["report", "show", id, "--json"]).stdout == show.stdout)

        let list = node.run(["report", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.hasPrefix("REFERENCE"))
        let row = try #require(list.stdout.split(separator: "\n").last)
        #expect(row.hasPrefix(ref))
        #expect(row.contains("hotline") && row.contains("(sealed)") && row.contains("queued"))
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).contains("yes"))

        let opsBefore = try store.counts().ops
        let amend = node.run(["report", "amend", ref, "--set", "incident.area=Bria", "--set", "needs=legal,psychosocial",
                              "--set", "victims[0].ageBand=18_24", "--set", "victims[1].ageBand=18_24"])
        #expect(amend.status == 0, "\(amend.stderr)")
        #expect(amend.stdout == "amended \(ref): incident.area, needs, victims[0].ageBand, victims[1].ageBand\n")
        let amended = try node.run(["report", "show", ref, "--json"]).json()
        let opened = try node.opened(id)
        #expect(opened["incident"]?["area"] == "Bria")
        #expect(opened["needs"] == ["legal", "psychosocial"])
        #expect(opened["victims"]?[0]?["ageBand"] == "18_24")
        #expect(amended["derived"]?["involvesChild"] == false)
        // area, both age bands, involvesChild: 4 sets; needs, sealed, is replaced whole: its two
        // sealed elements removed, the two new ones added sealed.
        #expect(try store.counts().ops == opsBefore + 8)
    }

    @Test func listIsNewestFirstWithStableJSONKeys() throws {
        let node = try TestNode()
        try node.initialise()
        let empty = node.run(["report", "list"])
        #expect(empty.status == 0)
        #expect(empty.stdout == "no reports yet; add one with: fieldnode report add --json FILE\n")
        #expect(try node.run(["report", "list", "--json"]).json() == [])
        let middle = try node.add(Reports.minimal(area: "Bria", receivedAt: "2026-02-10T08:00:00Z"))
        let newest = try node.add(Reports.minimal(area: "Kaga", receivedAt: "2026-02-11T09:00:00+05:00"))
        let oldest = try node.add(Reports.minimal(area: "Sibut", receivedAt: "2026-02-09T23:00:00-02:00"))
        let json = try node.run(["report", "list", "--json"]).json()
        let items = try #require(json.arrayValue)
        // 2026-02-11T04:00Z, 2026-02-10T08:00Z, 2026-02-10T01:00Z.
        #expect(items.map { $0["ref"]?.stringValue } == [newest.ref, middle.ref, oldest.ref])
        for item in items {
            #expect(item.objectValue?.keys.sorted() == ["ageUndetermined", "area", "category", "channel", "conflicts",
                                                        "id", "involvesChild", "receivedAt", "ref", "sync"])
        }
        #expect(items[0]["category"] == 2)
        #expect(items[0]["involvesChild"] == false)
        let text = node.run(["report", "list"]).stdout.split(separator: "\n")
        #expect(text.count == 4)
        #expect(text[1].hasPrefix(newest.ref) && text[3].hasPrefix(oldest.ref))
    }

    @Test func addReadsStandardInput() throws {
        let node = try TestNode()
        try node.initialise()
        let result = node.run(["report", "add", "--json", "-", "--output", "json"], stdin: JSON.encode(Reports.valid))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json.objectValue?.keys.sorted() == ["id", "ref"])
        #expect(try node.openStore().documents("report").count == 1)
    }

    @Test func receivedAtDefaultsToNowWithTheLocalOffset() throws {
        let node = try TestNode()
        try node.initialise()
        var document = try #require(Reports.valid.objectValue)
        document["receivedAt"] = nil
        let saved = try node.add(.object(document))
        let shown = try node.run(["report", "show", saved.ref, "--json"]).json()
        let received = try #require(shown["report"]?["receivedAt"]?.stringValue)
        // The same instant as the pinned clock, in whatever offset the machine uses.
        let parsed = try #require(ISO8601DateFormatter().date(from: received))
        #expect(parsed == TestNode.fixedNow)
    }
}

/// Survivor codes (issue 16) are derived under the linkage key of the node's mission file and
/// stored sealed, like the intake fields; the identifiers themselves are nowhere.
@Suite struct SurvivorCodeStorageTests {
    @Test func identifiersBecomeSealedCodesUnderTheMissionFilesKey() throws {
        let node = try TestNode()
        try node.initialise()
        let path = try node.file("report.json", JSON.encodeBytes(Reports.valid))
        let added = node.run(["report", "add", "--json", path])
        #expect(added.status == 0, "\(added.stderr)")
        let document = try #require(try node.openStore().documents("report").first)
        for field in ["victims[0].survivorPhoneCode", "victims[0].survivorEncoding"] {
            guard case .sealed? = document.value(field) else {
                Issue.record("\(field) is not stored sealed: \(String(describing: document.value(field)))")
                continue
            }
        }
        #expect(!document.fields.keys.contains { $0.hasPrefix("victims[1].survivor") }, "the second victim gave no identifiers")
        let listing = try node.openStore().stateListing().joined(separator: "\n")
        #expect(!listing.contains("Testperson") && !listing.contains("70 12"))
    }
}
