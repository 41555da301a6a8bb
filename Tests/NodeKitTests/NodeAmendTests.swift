import Foundation
import JSON
import NodeKit
import SyncEngine
import SyncProtocol
import Testing

@Suite struct NodeAmendTests {
    private func nodeWithReport() throws -> (TestNode, ref: String, id: String) {
        let node = try TestNode()
        try node.initialise()
        let saved = try node.add(Reports.valid)
        return (node, saved.ref, saved.id)
    }

    private func report(_ node: TestNode, _ ref: String) throws -> JSONValue {
        try node.run(["report", "show", ref, "--json"]).json()
    }

    @Test func anInvalidValueChangesNothing() throws {
        let (node, ref, _) = try nodeWithReport()
        let before = try node.snapshot()
        let result = node.run(["report", "amend", ref, "--set", "incident.area=Bria", "--set", "victims[1].ageBand=teen"])
        #expect(result.status == 1)
        #expect(result.stderr == """
            error: the amendment has 1 problem:
              victims[1].ageBand: "teen" is not one of under_12, 12_14, 15_17, 18_24, 25_39, 40_plus, unknown
            hint: fix the values above and run the command again; nothing was changed

            """)
        #expect(try node.snapshot() == before)
        for bad in ["identifiers.name=Jane", "victims[0].identifiers.name=Jane", "incident.colour=red", "needs=food",
                    "consent.followUpContact=maybe", "incident.date=2026-02-30", "victims[5].sex=male", "mission=UNMISS"] {
            let refused = node.run(["report", "amend", ref, "--set", bad])
            #expect(refused.status == 1, "\(bad)")
            #expect(refused.stderr.hasPrefix("error: "), "\(bad)")
        }
        #expect(try node.snapshot() == before)
    }

    @Test func amendmentsAreValidatedLikeIntakeAndWrittenAsADifference() throws {
        let (node, ref, id) = try nodeWithReport()
        let store = try node.openStore()
        let result = node.run(["report", "amend", ref, "--set", "incident.date=2026-02-01..2026-02-05",
                               "--set", "incident.coordinates=", "--set", "victims[2].ageBand=under_12",
                               "--set", "allegation.types=rape,transactional_sex", "--set", "alleged[0].unit="])
        #expect(result.status == 0, "\(result.stderr)")
        let shown = try report(node, ref)
        let opened = try node.opened(id)
        let incident = try #require(opened["incident"])
        #expect(incident["date"] == nil)
        #expect(incident["dateFrom"] == "2026-02-01" && incident["dateTo"] == "2026-02-05")
        #expect(incident["coordinates"] == nil)
        #expect(opened["victims"]?[2] == ["ageBand": "under_12", "sex": "unknown"])
        #expect(opened["allegation"]?["types"] == ["rape", "transactional_sex"])
        #expect(opened["alleged"]?[0]?["unit"] == nil)
        #expect(shown["derived"]?["involvesChild"] == true)
        #expect(shown["report"]?["incident"]?["dateFrom"] == "(sealed)" && shown["report"]?["victims"]?[2]?["ageBand"] == "(sealed)")
        // A clear field with the value it has: nothing to record.
        let ops = try store.counts().ops
        let again = node.run(["report", "amend", ref, "--set", "channel=hotline"])
        #expect(again.stdout == "\(ref) already has these values; nothing was changed\n")
        #expect(try store.counts().ops == ops)
        // A sealed field cannot be compared: the node writes it again, sealed (one op).
        let sealedAgain = node.run(["report", "amend", ref, "--set", "incident.area=Bambari"])
        #expect(sealedAgain.stdout == "amended \(ref): incident.area\n")
        #expect(try store.counts().ops == ops + 1)
        #expect(try node.opened(id)["incident"]?["area"] == "Bambari")
    }

    @Test func amendingOneOfSeveralSealedAgeBandsNeverLowersTheChildFlags() throws {
        let (node, ref, id) = try nodeWithReport()
        // Reports.valid has two victims, one a child: lowering the adult's band says nothing
        // about the other, which the node cannot read; the flag stays.
        #expect(node.run(["report", "amend", ref, "--set", "victims[0].ageBand=25_39"]).status == 0)
        #expect(try report(node, ref)["derived"]?["involvesChild"] == true)
        // Raising to unknown is known without the others.
        #expect(node.run(["report", "amend", ref, "--set", "victims[0].ageBand=unknown"]).status == 0)
        #expect(try report(node, ref)["derived"]?["ageUndetermined"] == true)
        // Both bands in one amendment: the flags are derived exactly again.
        #expect(node.run(["report", "amend", ref, "--set", "victims[0].ageBand=25_39", "--set", "victims[1].ageBand=40_plus"]).status == 0)
        let derived = try report(node, ref)["derived"]
        #expect(derived?["involvesChild"] == false && derived?["ageUndetermined"] == false)
        #expect(try node.opened(id)["victims"]?[1]?["ageBand"] == "40_plus")
    }

    @Test func setWithoutEqualsIsAUsageError() throws {
        let (node, ref, _) = try nodeWithReport()
        for arguments in [["--set", "incident.area"], ["--set", "=Bria"], []] {
            let result = node.run(["report", "amend", ref] + arguments)
            #expect(result.status == 64)
            #expect(result.stderr.contains("\nUsage: fieldnode report amend --set <path=value> ... [--identifiers <file>] [--data-dir <dir>] <ref-or-id>\n"))
        }
    }

    @Test func conflictsAreShownAndAnAmendmentSettlesThem() throws {
        let (node, ref, id) = try nodeWithReport()
        let store = try node.openStore()
        let area = try #require(store.document("report", id)?.fields["incident.area"])
        // Another replica wrote the area concurrently (it had not seen our write).
        let other = try #require(NodeID(hex: "ffeeddccbbaa99887766554433221100"))
        let concurrent = Op(id: OpID(origin: other, seq: 1), hlc: HLC(rawValue: area.winner.hlc.rawValue + 1),
                            collection: "report", entity: id,
                            action: .set(field: "incident.area", value: .string("Bria"), rank: 0, supersedes: []))
        _ = try store.applyPulled(peer: "hub", ops: [concurrent], nextCursor: 1)
        let shown = try report(node, ref)
        // Ours was sealed at intake: the node shows that it lost, not what it was.
        #expect(shown["conflicts"] == [["field": "incident.area", "winner": "Bria", "losers": ["(sealed)"]]])
        let text = node.run(["report", "show", ref]).stdout
        #expect(text.contains("  incident.area: kept \"Bria\"; also written: \"(sealed)\"\n"))
        #expect(try node.run(["report", "list", "--json"]).json()[0]?["conflicts"] == true)
        // Writing the field, even with the value that already wins, supersedes both heads.
        let settled = node.run(["report", "amend", ref, "--set", "incident.area=Bria"])
        #expect(settled.stdout == "amended \(ref): incident.area\n")
        #expect(try report(node, ref)["conflicts"] == [])
    }

    @Test func syncStateFollowsTheHubsAcknowledgements() throws {
        let (node, ref, id) = try nodeWithReport()
        let store = try node.openStore()
        func state() throws -> JSONValue? { try node.run(["report", "list", "--json"]).json()[0]?["sync"] }
        #expect(try state() == "queued")
        let ours = UInt64(try store.counts().ops)
        try store.recordPushAck(peer: "hub", contiguous: ours - 1)
        #expect(try state() == "queued")
        try store.recordPushAck(peer: "hub", contiguous: ours)
        #expect(try state() == "sent")
        let hub = try #require(NodeID(hex: "00112233445566778899aabbccddeeff"))
        let receipt = Op(id: OpID(origin: hub, seq: 1), hlc: HLC(milliseconds: Store.systemMilliseconds(), counter: 0),
                         collection: "report", entity: id,
                         action: .set(field: "hub.receivedAt", value: .int(1_772_442_000_000), rank: 0, supersedes: []))
        _ = try store.applyPulled(peer: "hub", ops: [receipt], nextCursor: 1)
        #expect(try state() == "received")
        let shown = node.run(["report", "show", ref])
        #expect(shown.stdout.contains("sync              received: the hub has registered the report\n"))
        #expect(try report(node, ref)["hubReceivedAt"] == 1_772_442_000_000)
        #expect(node.run(["report", "amend", ref, "--set", "needs=legal"]).status == 0)
        #expect(try state() == "queued")
    }
}
