import Foundation
import Testing
import SQLite
import SyncProtocol
@testable import SyncEngine

@Suite struct ClockTests {
    @Test func timestampsKeepIncreasingWhenTheWallClockStepsBackWithinMaxDriftAndAcrossRestarts() throws {
        let dir = TempDir(), clock = ManualClock()
        var last = HLC.zero
        do {
            let s = try Store.create(path: dir.file("n.db"), role: .node, options: options(clock))
            try s.write { try $0.set("report", "r", "a", .int(1)) }
            clock.rewind(120_000)     // NTP steps the clock back two minutes
            try s.write { try $0.set("report", "r", "a", .int(2)) }
            let ops = try s.allOps()
            #expect(ops[1].hlc > ops[0].hlc)
            last = ops[1].hlc
        }
        clock.rewind(120_000)         // and the laptop reboots with a slightly wrong RTC
        let s = try Store.open(path: dir.file("n.db"), options: options(clock))
        try s.write { try $0.set("report", "r", "a", .int(3)) }
        #expect(try s.allOps().last!.hlc > last)
    }

    /// A clock that was far ahead and is corrected (stepped back more than maxDrift) stamps by
    /// the corrected time at once (spec §4 recovery), also across a restart; its later writes
    /// still replace its earlier ones, which they saw (causal override, §9.3).
    @Test func aClockSteppedBackFurtherThanMaxDriftRecoversAndItsLaterWritesStillWin() throws {
        let dir = TempDir(), clock = ManualClock()
        do {
            let s = try Store.create(path: dir.file("n.db"), role: .node, options: options(clock))
            try s.write { try $0.set("report", "r", "a", .int(1)) }
        }
        clock.rewind(365 * 86_400_000)   // the clock was a year ahead; the operator fixed it
        let s = try Store.open(path: dir.file("n.db"), options: options(clock))
        try s.write { try $0.set("report", "r", "a", .int(2)) }
        let ops = try s.allOps()
        #expect(ops[1].hlc.milliseconds == clock.milliseconds)
        let field = try #require(try s.document("report", "r")?.fields["a"])
        #expect(field.winner.id == ops[1].id && field.conflicts.isEmpty)
        #expect(try s.verify().isEmpty)
    }

    @Test func aFarFutureOpIsQuarantinedAcknowledgedAndReleasedLater() throws {
        let dir = TempDir()
        let hubClock = ManualClock(), nodeClock = ManualClock()
        nodeClock.advance(3 * 86_400_000)   // the node's clock runs three days ahead
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(hubClock))
        let node = try Store.create(path: dir.file("node.db"), role: .node, options: options(nodeClock))
        try hub.write { try $0.set("report", "r", "area", .string("hub value")) }
        let r2 = EntityID.make(owner: node.nodeID)
        try node.write { tx in try tx.create("report", r2); try tx.set("report", r2, "area", .string("future")) }
        let hlcBefore = try hub.queue.sync { db in try OpLog.loadClock(db, maxDrift: 0).last }
        let outcome = try hub.apply(try node.allOps())
        #expect(outcome.quarantined == 2 && outcome.merged == 0)
        #expect(try hub.document("report", r2) == nil)
        #expect(try hub.queue.sync { db in try OpLog.loadClock(db, maxDrift: 0).last } == hlcBefore)
        let ack = try hub.originStates([node.nodeID])[0]
        #expect(ack.contiguous == 2 && ack.quarantined == 2)
        // A puller that is already past them still receives them once released.
        let cursor = try hub.opsForPull(scopes: [ScopePolicy.node(node.nodeID), "hub"], excludingOrigin: nil, after: 0).nextCursor
        hubClock.advance(3 * 86_400_000)
        #expect(try hub.releaseQuarantine() == 2)
        #expect(try hub.document("report", r2)?.string("area") == "future")
        let later = try hub.opsForPull(scopes: [ScopePolicy.node(node.nodeID)], excludingOrigin: nil, after: cursor)
        #expect(later.ops.count == 2)
        #expect(try hub.verify().isEmpty)
    }
}

@Suite struct SessionTests {
    @Test func nodesReceiveTheirOwnReportsUpdatesAndReferenceDataButNeverOtherNodesReports() throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        let a = try Store.create(path: dir.file("a.db"), role: .node, options: options(clock))
        let b = try Store.create(path: dir.file("b.db"), role: .node, options: options(clock))
        let ra = EntityID.make(owner: a.nodeID), rb = EntityID.make(owner: b.nodeID)
        try a.write { tx in try tx.create("report", ra); try tx.set("report", ra, "area", .string("A-town")) }
        try b.write { tx in try tx.create("report", rb); try tx.set("report", rb, "area", .string("B-town")) }
        try a.pushAll(to: hub)
        try b.pushAll(to: hub)
        #expect(try a.backlog(peer: "hub") == 0)
        try hub.write { tx in
            try tx.set("report", ra, "status", .string("assessed"))
            try tx.set("report", rb, "status", .string("assessed"))
            try tx.set("ref.mission", "MINUSCA", "name", .string("MINUSCA"))
            try tx.set("case", "c1", "title", .string("hub only"))
        }
        try a.pullAll(from: hub)
        #expect(try a.document("report", ra)?.string("status") == "assessed")
        #expect(try a.document("report", rb) == nil)
        #expect(try a.document("ref.mission", "MINUSCA") != nil)
        #expect(try a.document("case", "c1") == nil)
        #expect(try a.stateListing(entities: ["report/" + ra]) == (try hub.stateListing(entities: ["report/" + ra])))
    }

    @Test func pushAcknowledgementsReportGapsAndFollowTheHub() throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        let a = try Store.create(path: dir.file("a.db"), role: .node, options: options(clock))
        try a.write { tx in for i in 0..<6 { try tx.set("report", "r", "f\(i)", .int(Int64(i))) } }
        let ops = try a.pendingPush(peer: "hub")
        _ = try hub.apply([ops[0], ops[1], ops[4]])
        let ack = try hub.originStates([a.nodeID])[0]
        #expect(ack.contiguous == 2 && ack.maxSeq == 5 && ack.gaps == [3...4])
        #expect(try a.recordPushAck(peer: "hub", contiguous: ack.contiguous) == false)
        #expect(try a.peerState("hub").pushAcked == 2)
        #expect(try a.pendingPush(peer: "hub").map(\.seq) == [3, 4, 5, 6])
        // The hub is restored from a backup that held only op 1: the node resends from 2.
        #expect(try a.recordPushAck(peer: "hub", contiguous: 1) == true)
        #expect(try a.pendingPush(peer: "hub").map(\.seq) == [2, 3, 4, 5, 6])
        do {
            try a.recordPushAck(peer: "hub", contiguous: 40)
            Issue.record("an ack beyond our own ops must be refused")
        } catch let e as StoreError {
            #expect(e.code == .storeBehindPeer)
        }
    }

    @Test func opsThatArriveBeforeTheirCreatorStillReachTheOwner() throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        let a = try Store.create(path: dir.file("a.db"), role: .node, options: options(clock))
        let r = EntityID.make(owner: a.nodeID)
        try a.write { tx in try tx.create("report", r); try tx.set("report", r, "area", .string("x")) }
        let ops = try a.allOps()
        _ = try hub.apply([ops[1]])                       // the field before the creator
        try hub.write { try $0.set("report", r, "status", .string("seen")) }
        _ = try hub.apply([ops[0]])
        try a.pullAll(from: hub)
        #expect(try a.document("report", r)?.string("status") == "seen")
        #expect(EntityID.owner(r) == a.nodeID)
        #expect(EntityID.owner("plain-id") == nil)
    }

    /// A page stops before the op that would pass the byte budget (always at least one op);
    /// the puller's own ops are left out and cost no budget, so they cannot cut the page short.
    @Test func pullPagesStopAtTheByteBudgetAndTheLeftOutOpsCostNothing() throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        let a = try Store.create(path: dir.file("a.db"), role: .node, options: options(clock))
        let report = EntityID.make(owner: a.nodeID)
        for i in 0..<4 {
            try hub.write { try $0.set("ref.premises", "p\(i)", "name", .string(String(repeating: "p", count: 10_000))) }
            try a.write { try $0.set("report", report, "note\(i)", .string(String(repeating: "a", count: 20_000))) }
            try a.pushAll(to: hub)
        }
        let scopes = ScopePolicy.scopes(for: a.nodeID)
        let page = try hub.opsForPull(scopes: scopes, excludingOrigin: a.nodeID, after: 0, maxBytes: 25_000)
        #expect(page.ops.map(\.entity) == ["p0", "p1"])
        #expect(page.more)
        let tiny = try hub.opsForPull(scopes: scopes, excludingOrigin: a.nodeID, after: 0, maxBytes: 100)
        #expect(tiny.ops.map(\.entity) == ["p0"] && tiny.more)
        // The rest, then nothing: the cursor passed the left-out ops too.
        let rest = try hub.opsForPull(scopes: scopes, excludingOrigin: a.nodeID, after: page.nextCursor, maxBytes: 1 << 20)
        #expect(rest.ops.map(\.entity) == ["p2", "p3"] && !rest.more)
        let none = try hub.opsForPull(scopes: scopes, excludingOrigin: a.nodeID, after: rest.nextCursor)
        #expect(none.ops.isEmpty && !none.more && none.nextCursor == rest.nextCursor)
    }

    @Test func pullPagesResumeFromTheDurableCursor() throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        let a = try Store.create(path: dir.file("a.db"), role: .node, options: options(clock))
        try hub.write { tx in for i in 0..<25 { try tx.set("ref.premises", "p\(i)", "name", .string("P\(i)")) } }
        let first = try hub.opsForPull(scopes: ScopePolicy.scopes(for: a.nodeID), excludingOrigin: a.nodeID, after: 0, maxOps: 10)
        #expect(first.ops.count == 10 && first.more)
        _ = try a.applyPulled(peer: "hub", ops: first.ops, nextCursor: first.nextCursor)
        // The response to the second request is lost; the node asks again from its cursor.
        _ = try hub.opsForPull(scopes: ScopePolicy.scopes(for: a.nodeID), excludingOrigin: a.nodeID, after: first.nextCursor, maxOps: 10)
        try a.pullAll(from: hub)
        #expect(try a.documents("ref.premises").count == 25)
        #expect(try a.counts().ops == 25)
    }
}

@Suite struct AcknowledgementTests {
    @Test func anAckWithTooManyGapsNeverClaimsAnOpItDoesNotHold() throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        let a = try Store.create(path: dir.file("a.db"), role: .node, options: options(clock))
        try a.write { tx in for i in 0..<300 { try tx.set("report", "r", "f\(i)", .int(Int64(i))) } }
        let ops = try a.pendingPush(peer: "hub", maxOps: 300)
        _ = try hub.apply(ops.filter { $0.seq % 2 == 1 })   // 150 gaps
        let ack = try hub.originStates([a.nodeID], maxGaps: 64)[0]
        #expect(ack.gaps.count == 64)
        let held = Set(ops.filter { $0.seq % 2 == 1 }.map(\.seq))
        for seq in 1...ack.maxSeq where !ack.gaps.contains(where: { $0.contains(seq) }) {
            #expect(held.contains(seq), "ack claims op \(seq)")
        }
        #expect(ack.maxSeq < 299)
    }
}

@Suite struct ClockOffsetTests {
    /// A laptop whose clock runs ahead learns a negative offset; its own new ops must be stamped
    /// by the corrected clock (a positive-only correction would leave them in the future).
    @Test func aNegativeOffsetCorrectsLocalStamps() throws {
        let dir = TempDir(), clock = ManualClock()
        let s = try Store.create(path: dir.file("n.db"), role: .node, options: options(clock))
        try s.setClockOffset(-3_600_000)
        clock.advance(1)   // a fresh store's clock is 0: the first stamp is the corrected wall time
        try s.write { try $0.set("report", "r", "a", .int(1)) }
        let stamp = try #require(try s.allOps().last?.hlc.milliseconds)
        #expect(stamp == clock.milliseconds - 3_600_000)
        #expect(try s.clockOffset() == -3_600_000)
    }
}
