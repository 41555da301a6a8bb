import Foundation
import Testing
import SQLite
import SyncProtocol
@testable import SyncEngine

/// The quarantine (spec §4) as an administrator meets it: indexed, capped, listed without
/// reading bodies, released by decision without moving the clock.
@Suite struct QuarantineTests {
    static let year: UInt64 = 365 * 86_400_000

    /// A hub and a node whose clock runs `ahead` ms in front of the hub's.
    static func pair(_ dir: TempDir, ahead: UInt64, hubOptions: (inout StoreOptions) -> Void = { _ in })
        throws -> (hub: Store, node: Store, hubClock: ManualClock) {
        let hubClock = ManualClock(), nodeClock = ManualClock(hubClock.milliseconds + ahead)
        var o = options(hubClock)
        hubOptions(&o)
        return (try Store.create(path: dir.file("hub.db"), role: .hub, options: o),
                try Store.create(path: dir.file("node.db"), role: .node, options: options(nodeClock)), hubClock)
    }

    @Test func aBatchThatWouldOverfillTheQuarantineIsRefusedWholeAndChangesNothing() throws {
        let dir = TempDir()
        let (hub, node, _) = try Self.pair(dir, ahead: 86_400_000) { $0.maxQuarantinedPerOrigin = 5 }
        try node.write { tx in for i in 0..<8 { try tx.set("report", "r", "f\(i)", .int(Int64(i))) } }
        let ops = try node.pendingPush(peer: "hub")
        #expect(try hub.apply(Array(ops.prefix(4))).quarantined == 4)
        let before = (try hub.counts(), try hub.originStates([node.nodeID]), try hub.canonicalState())
        do {
            _ = try hub.apply(Array(ops.suffix(4)))
            Issue.record("a batch beyond the quarantine cap must be refused")
        } catch let e as StoreError {
            #expect(e.code == .quarantineFull)
            #expect(e.message.contains("4 held already") && e.message.contains("limit is 5") && e.message.contains("release"))
        }
        #expect(try hub.counts() == before.0 && hub.originStates([node.nodeID]) == before.1 && hub.canonicalState() == before.2)
        // Redelivering what is already held is no new quarantine, and fits.
        #expect(try hub.apply(Array(ops.prefix(4))).duplicates == 4)
        #expect(try hub.verify().isEmpty)
    }

    @Test func anAdministratorReleaseMergesNowWithoutMovingTheClock() throws {
        let dir = TempDir()
        let (hub, node, hubClock) = try Self.pair(dir, ahead: Self.year)
        let r = EntityID.make(owner: node.nodeID, local: "r1")
        try node.write { tx in try tx.create("report", r); try tx.set("report", r, "area", .string("future")) }
        try node.write { tx in try tx.set("ref.note", "n1", "text", .string("also future")) }
        let outcome = try hub.apply(try node.pendingPush(peer: "hub"))
        #expect(outcome.quarantined == 3 && outcome.merged == 0)
        let clockBefore = try hub.queue.sync { db in try OpLog.loadClock(db, maxDrift: 0).last }
        let cursor = try hub.opsForPull(scopes: [ScopePolicy.node(node.nodeID), "ref"], excludingOrigin: nil, after: 0).nextCursor

        let released = try hub.releaseByAdministrator(origin: node.nodeID)
        #expect(released.released == 3 && released.origins == [node.nodeID])
        #expect(released.releasedEntities == [EntityRef(collection: "ref.note", entity: "n1"), EntityRef(collection: "report", entity: r)])
        #expect(try hub.queue.sync { db in try OpLog.loadClock(db, maxDrift: 0).last } == clockBefore)
        #expect(try hub.document("report", r)?.string("area") == "future")
        #expect(try hub.counts().quarantined == 0 && hub.originStates([node.nodeID])[0].quarantined == 0)
        // Released ops get new arrival numbers: a puller already past their old ones sees them.
        #expect(try hub.opsForPull(scopes: [ScopePolicy.node(node.nodeID), "ref"], excludingOrigin: nil, after: cursor).ops.count == 3)
        // The hub's own later write, stamped a year below, replaces the value it saw.
        try hub.write { try $0.set("report", r, "area", .string("corrected")) }
        let field = try #require(try hub.document("report", r)?.fields["area"])
        #expect(field.value == .string("corrected") && field.conflicts.isEmpty)
        #expect(field.winner.hlc.milliseconds <= hubClock.milliseconds + HybridClock.defaultMaxDriftMilliseconds)
        #expect(try hub.verify().isEmpty)
        #expect(try hub.releaseByAdministrator(origin: nil).released == 0)
    }

    @Test func dueOpsAreReleasedByTheNextApplyAndReportTheirEntities() throws {
        let dir = TempDir()
        let (hub, node, hubClock) = try Self.pair(dir, ahead: 3_600_000)
        let r = EntityID.make(owner: node.nodeID, local: "r1")
        try node.write { tx in try tx.create("report", r); try tx.set("report", r, "area", .string("x")) }
        _ = try hub.apply(try node.pendingPush(peer: "hub"))
        #expect(try hub.apply([]).released == 0)
        hubClock.advance(3_600_000)
        let outcome = try hub.apply([])
        #expect(outcome.released == 2 && outcome.releasedEntities == [EntityRef(collection: "report", entity: r)])
        #expect(try hub.document("report", r)?.exists == true)
    }

    @Test func theListingCountsAndPagesWithoutBodies() throws {
        let dir = TempDir()
        let (hub, node, _) = try Self.pair(dir, ahead: Self.year)
        try node.write { tx in for i in 0..<5 { try tx.set("report", "r\(i % 2)", "f\(i)", .int(Int64(i))) } }
        let ops = try node.pendingPush(peer: "hub")
        _ = try hub.apply(ops)
        let summary = try hub.quarantineSummary()
        #expect(summary.count == 1)
        let s = try #require(summary.first)
        #expect(s.origin == node.nodeID && s.count == 5 && s.entityCount == 2)
        #expect(s.earliest == ops.map(\.hlc).min() && s.latest == ops.map(\.hlc).max())
        let first = try hub.quarantinedOps(origin: node.nodeID, limit: 3)
        #expect(first.map(\.id.seq) == [1, 2, 3])
        #expect(first[1].entity == EntityRef(collection: "report", entity: "r1") && first[1].hlc == ops[1].hlc)
        #expect(try hub.quarantinedOps(origin: node.nodeID, afterSeq: 3, limit: 3).map(\.id.seq) == [4, 5])
        #expect(try hub.quarantinedOps(origin: hub.nodeID).isEmpty)
    }

    /// The per-apply release check must stay one index range probe however many ops wait.
    @Test func theReleaseCheckIsAnIndexRangeProbe() throws {
        let dir = TempDir()
        let store = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(ManualClock()))
        let plan = try store.queue.sync { db in
            try db.query("EXPLAIN QUERY PLAN " + Quarantine.dueSQL, [.integer(0)]) { $0.string(3) ?? "" }
        }
        #expect(plan.count == 1 && plan[0].contains("INDEX quarantine_hlc (hlc_ms<?)"), "\(plan)")
    }
}
