import Foundation
@testable import HubKit
import JSON
import SyncEngine
import SyncProtocol
import Testing

/// What the hub received, no origin can erase (spec §14.1): later deletions are withdrawals,
/// later changes amendments whose earlier values `report show` reads back from the op log.
@Suite struct ReportEventsTests {
    /// A hub store in a temp dir with one enrolled node `field-1`, and its report
    /// MINUSCA-AAAA-2M (seqs 1–6: exist, ref, category, child, narrative, needs+medical),
    /// pushed and stamped as received at `clock.now`.
    struct Received {
        let dir: String
        let clock: TestClock
        let node: TestNode
        let store: Store
        let entity: String

        init() async throws {
            let dir = temporaryDirectory() + "/hub", clock = TestClock(), node = try TestNode()
            (self.dir, self.clock, self.node) = (dir, clock, node)
            #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir], clock: clock).status == 0)
            let report = node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M")
            entity = report.entity
            let ops = report.ops + [
                node.op(5, report.entity, .set(field: "allegation.narrative", value: .string("Original account."), rank: 0, supersedes: [])),
                node.op(6, report.entity, .add(field: "needs", element: .string("medical"))),
            ]
            store = try await offThread {
                let store = try HubStore.open(dataDirectory: dir, options: HubStore.options(wallClock: clock.read))
                let registry = NodeRegistry(store: store)
                let token = try registry.issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: clock.now).token
                _ = try registry.redeem(tokenHash: EnrollmentToken.hash(token), nodeID: node.id,
                                        publicKey: node.key.publicKey.rawRepresentation, now: clock.now)
                _ = try store.apply(ops)
                try ReceiptStamper.stamp(store: store, batch: ops, now: clock.now)
                return store
            }
        }

        func apply(_ ops: [Op]) async throws {
            let store = store
            _ = try await offThread { try store.apply(ops) }
        }

        func events() async throws -> [ReportEvent] {
            let (store, entity) = (store, entity)
            return try await offThread { try ReportEvents.events(store: store, entity: entity) }
        }

        func listed() async throws -> JSONValue {
            let listed = await runHub(["report", "list", "--json", "--data-dir", dir])
            #expect(listed.status == 0, "\(listed.error)")
            return try #require(try JSON.parse(listed.output)[0])
        }

        func shown() async throws -> JSONValue {
            let shown = await runHub(["report", "show", "MINUSCA-AAAA-2M", "--json", "--data-dir", dir])
            #expect(shown.status == 0, "\(shown.error)")
            return try JSON.parse(shown.output)
        }

        func at(_ ms: UInt64) -> JSONValue { .string(TimeText.rfc3339(milliseconds: ms)) }
    }

    @Test func withdrawalAmendmentsAndRecreationKeepEveryEarlierValue() async throws {
        let hub = try await Received()
        let (node, entity) = (hub.node, hub.entity)
        #expect(try await hub.events().isEmpty, "ops of the push that created the report are not amendments")

        // The stolen laptop: change the set, overwrite the narrative, delete the report.
        hub.clock.advance(milliseconds: 60_000)
        let first = hub.clock.now
        try await hub.apply([
            node.op(7, entity, .add(field: "needs", element: .string("legal"))),
            node.op(8, entity, .remove(field: "needs", element: .string("medical"), tags: [OpID(origin: node.id, seq: 6)])),
            node.op(9, entity, .set(field: "allegation.narrative", value: .string("Nothing happened."), rank: 0,
                                    supersedes: [OpID(origin: node.id, seq: 5)])),
            node.op(10, entity, .exist(causalLength: 2)),
        ])
        let withdrawn = try await hub.listed()
        #expect(withdrawn["ref"] == "MINUSCA-AAAA-2M")
        #expect(withdrawn["status"] == "withdrawn")
        #expect(withdrawn["withdrawnBy"] == "field-1")
        #expect(withdrawn["withdrawnByNodeId"] == .string(node.id.hex))
        #expect(withdrawn["withdrawnAt"] == hub.at(first))
        #expect(withdrawn["amendments"] == 3)
        let text = await runHub(["report", "list", "--data-dir", hub.dir])
        #expect(text.output.contains("WITHDRAWN by field-1 at \(TimeText.rfc3339(milliseconds: first))"), "\(text.output)")
        #expect(try await hub.shown()["fields"]?["allegation.narrative"] == "Nothing happened.", "the content stays readable")

        // A re-create, then a crafted set that supersedes nothing (the old value stays a conflict).
        hub.clock.advance(milliseconds: 60_000)
        let second = hub.clock.now
        try await hub.apply([
            node.op(11, entity, .exist(causalLength: 3)),
            node.op(12, entity, .set(field: "allegation.narrative", value: .string("Third version."), rank: 0, supersedes: []), ms: second),
        ])
        let back = try await hub.listed()
        #expect(back["status"] == "received" && back["withdrawnAt"] == .null)
        #expect(back["amendments"] == 5)

        let shown = try await hub.shown()
        let by: (UInt64) -> [(String, JSONValue)] = { [("by", "field-1"), ("byNodeId", .string(node.id.hex)), ("at", hub.at($0))] }
        func entry(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs: pairs)) }
        #expect(shown["status"] == "received" && shown["amendments"] == 5)
        #expect(shown["fields"]?["allegation.narrative"] == "Third version.")
        #expect(shown["conflicts"]?["allegation.narrative"] == ["Nothing happened."])
        #expect(shown["sets"]?["needs"] == ["legal"])
        #expect(shown["lifecycle"] == .array([entry([("event", "withdrawn")] + by(first)), entry([("event", "recreated")] + by(second))]))
        #expect(shown["history"]?["allegation.narrative"] == .array([
            entry([("action", "set"), ("value", "Nothing happened."), ("previous", ["Original account."])] + by(first)),
            entry([("action", "set"), ("value", "Third version."), ("previous", ["Nothing happened."])] + by(second)),
        ]))
        #expect(shown["history"]?["needs"] == .array([
            entry([("action", "add"), ("element", "legal"), ("previous", ["medical"])] + by(first)),
            entry([("action", "remove"), ("element", "medical"), ("previous", ["medical", "legal"])] + by(first)),
        ]))
        #expect(shown["history"]?["ref"] == nil, "fields the field did not change have no history")

        let textShow = await runHub(["report", "show", "MINUSCA-AAAA-2M", "--data-dir", hub.dir])
        #expect(textShow.status == 0)
        #expect(textShow.output.contains("set by field-1 to: Nothing happened.\n      before: Original account."), "\(textShow.output)")
        #expect(textShow.output.contains("field-1 withdrew (deleted) the report"))
        let byID = await runHub(["report", "show", entity, "--json", "--data-dir", hub.dir])
        #expect(try JSON.parse(byID.output) == shown, "an entity id finds the same report")
        let unknown = await runHub(["report", "show", "MINUSCA-ZZZZ-2M", "--data-dir", hub.dir])
        #expect(unknown.status == 1 && unknown.error.contains("report list"), "\(unknown.error)")
    }

    /// A change held in quarantine (clock far ahead) is recorded when it is released, dated by
    /// its arrival; a batch that fails leaves no record (the records share its transaction).
    @Test func quarantinedChangesAreRecordedOnReleaseAndFailedBatchesLeaveNone() async throws {
        let hub = try await Received()
        let (node, entity, store, clock) = (hub.node, hub.entity, hub.store, hub.clock)
        let arrived = clock.now
        try await hub.apply([node.op(7, entity, .exist(causalLength: 2), ms: arrived + 3_600_000)])
        #expect(try await hub.events().isEmpty, "a quarantined op is not merged, so not yet a withdrawal")
        #expect(try await hub.listed()["status"] == "received")

        clock.advance(milliseconds: 3_700_000)
        #expect(try await offThread { try store.releaseQuarantine() } == 1)
        let released = try await hub.events()
        #expect(released.map(\.kind) == [.withdrawn] && released.first?.receivedAt == arrived)
        #expect(try await hub.listed()["withdrawnAt"] == hub.at(arrived))

        // Op 1 again with other content: the batch is refused whole, op 8 with it.
        let divergent = node.op(1, entity, .exist(causalLength: 5))
        let refused = await #expect(throws: StoreError.self) {
            try await hub.apply([node.op(8, entity, .exist(causalLength: 3), ms: clock.now), divergent])
        }
        #expect(refused?.code == .divergentOp)
        #expect(try await hub.events().count == 1, "a refused batch recorded an amendment")
    }
}
