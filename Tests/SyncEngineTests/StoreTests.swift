import Foundation
import Testing
import SQLite
import SyncProtocol
@testable import SyncEngine

@Suite struct StoreLifecycleTests {
    @Test func createThenOpenKeepsIdentityAndRole() throws {
        let dir = TempDir()
        let clock = ManualClock()
        let id: NodeID
        do {
            let s = try Store.create(path: dir.file("a.db"), role: .node, metadata: ["mission": "MINUSCA"], options: options(clock))
            id = s.nodeID
        }
        let s = try Store.open(path: dir.file("a.db"), expectedRole: .node, options: options(clock))
        #expect(s.nodeID == id)
        #expect(s.role == .node)
        #expect(try s.metadata("mission") == "MINUSCA")
        #expect(throws: StoreError.self) { try Store.open(path: dir.file("a.db"), expectedRole: .hub, options: options(clock)) }
        #expect(throws: StoreError.self) { try Store.create(path: dir.file("a.db"), role: .node, options: options(clock)) }
        do {
            _ = try Store.open(path: dir.file("missing.db"))
            Issue.record("opening a missing store must fail")
        } catch let e as StoreError {
            #expect(e.code == .notInitialized)
        }
    }

    @Test func localWritesBecomeGaplessOpsAndState() throws {
        let dir = TempDir()
        let clock = ManualClock()
        let s = try Store.create(path: dir.file("n.db"), role: .node, options: options(clock))
        try s.write { tx in
            try tx.create("report", "r1")
            try tx.set("report", "r1", "ref", .string("MINUSCA-7Q4K-2M"))
            try tx.set("report", "r1", "area", .string("Bambari"))
            try tx.add("report", "r1", "needs", .string("medical"))
            try tx.add("report", "r1", "needs", .string("medical"))   // already present: no op
            try tx.set("report", "r1", "area", .string("Bambari"))  // same value: no op
        }
        let ops = try s.allOps()
        #expect(ops.map(\.seq) == [1, 2, 3, 4])
        #expect(Set(ops.map(\.origin)) == [s.nodeID])
        #expect(zip(ops, ops.dropFirst()).allSatisfy { $0.hlc < $1.hlc })
        let doc = try #require(try s.document("report", "r1"))
        #expect(doc.exists)
        #expect(doc.string("area") == "Bambari")
        #expect(doc.sets["needs"] == [.string("medical")])
        #expect(try s.entity(collection: "report", ref: "MINUSCA-7Q4K-2M") == "r1")
        #expect(try s.verify().isEmpty)
    }

    @Test func aFailedWriteLeavesNothingAndConsumesNoSequence() throws {
        struct Boom: Error {}
        let dir = TempDir()
        let clock = ManualClock()
        let s = try Store.create(path: dir.file("n.db"), role: .node, options: options(clock))
        try s.write { tx in try tx.set("report", "r1", "area", .string("A")) }
        #expect(throws: Boom.self) {
            try s.write { tx in
                try tx.set("report", "r1", "area", .string("B"))
                try tx.set("report", "r2", "area", .string("C"))
                throw Boom()
            }
        }
        #expect(try s.document("report", "r1")?.string("area") == "A")
        #expect(try s.document("report", "r2") == nil)
        try s.write { tx in try tx.set("report", "r1", "area", .string("D")) }
        #expect(try s.allOps().map(\.seq) == [1, 2])
    }

    @Test func anInvalidWriteIsRefusedWithNothingStored() throws {
        let dir = TempDir()
        let s = try Store.create(path: dir.file("n.db"), role: .node, options: options(ManualClock()))
        #expect(throws: StoreError.self) { try s.write { tx in try tx.set("report", "r1", "", .int(1)) } }
        #expect(throws: StoreError.self) {
            try s.write { tx in try tx.set("report", String(repeating: "x", count: 200), "f", .int(1)) }
        }
        #expect(throws: StoreError.self) { try s.write { tx in try tx.set("report", "r1", "f", .double(.nan)) } }
        #expect(try s.allOps().isEmpty)
    }

    @Test func diskFullDuringAWriteLeavesTheStoreAsItWas() throws {
        let dir = TempDir()
        let s = try Store.create(path: dir.file("n.db"), role: .node, options: options(ManualClock()))
        try s.write { tx in try tx.set("report", "r0", "area", .string("A")) }
        let before = try s.stateListing()
        let pages = try s.queue.sync { db in try db.scalar("PRAGMA page_count", as: Int64.self) ?? 0 }
        try s.queue.sync { db in try db.execute("PRAGMA max_page_count = \(pages + 1)") }
        do {
            try s.write { tx in
                for i in 0..<2000 { try tx.set("report", "r\(i)", "narrative", .string(String(repeating: "n", count: 500))) }
            }
            Issue.record("the write must hit SQLITE_FULL")
        } catch let e as StoreError {
            #expect(e.underlying?.code == .full)
            #expect(e.message.contains("full"))
        }
        #expect(try s.stateListing() == before)
        #expect(try s.verify().isEmpty)
        #expect(try s.allOps().count == 1)
    }
}

@Suite struct MergeTests {
    func pair(_ clock: ManualClock, _ dir: TempDir) throws -> (Store, Store) {
        (try Store.create(path: dir.file("a.db"), role: .node, options: options(clock)),
         try Store.create(path: dir.file("b.db"), role: .node, options: options(clock)))
    }

    func exchange(_ a: Store, _ b: Store) throws {
        let ao = try a.allOps(), bo = try b.allOps()
        _ = try a.apply(bo)
        _ = try b.apply(ao)
    }

    @Test func concurrentWritesKeepTheLoserVisibleOnBothSides() throws {
        let dir = TempDir(), clock = ManualClock()
        let (a, b) = try pair(clock, dir)
        try a.write { try $0.set("report", "r", "area", .string("Bria")) }
        try b.write { try $0.set("report", "r", "area", .string("Bangui")) }
        try exchange(a, b)
        let da = try #require(try a.document("report", "r")), db = try #require(try b.document("report", "r"))
        #expect(da.fields["area"] == db.fields["area"])
        #expect(da.fields["area"]?.conflicts.count == 1)
        let values = Set([da.value("area"), da.fields["area"]?.conflicts.first?.value])
        #expect(values == [.string("Bria"), .string("Bangui")])
        #expect(try a.stateListing() == (try b.stateListing()))
        // An edit at a replica that saw both values resolves the conflict everywhere.
        clock.advance(10)
        try a.write { try $0.set("report", "r", "area", .string("Bambari")) }
        try exchange(a, b)
        #expect(try b.document("report", "r")?.fields["area"]?.conflicts == [])
        #expect(try b.document("report", "r")?.string("area") == "Bambari")
    }

    @Test func aCausalOverwriteIsNotAConflict() throws {
        let dir = TempDir(), clock = ManualClock()
        let (a, b) = try pair(clock, dir)
        try a.write { try $0.set("report", "r", "area", .string("one")) }
        try exchange(a, b)
        clock.advance(5)
        try b.write { try $0.set("report", "r", "area", .string("two")) }
        try exchange(a, b)
        #expect(try a.document("report", "r")?.fields["area"]?.conflicts == [])
        #expect(try a.document("report", "r")?.string("area") == "two")
    }

    @Test func concurrentEditsOfDifferentFieldsBothSurvive() throws {
        let dir = TempDir(), clock = ManualClock()
        let (a, b) = try pair(clock, dir)
        try a.write { try $0.set("report", "r", "area", .string("Bria")) }
        try b.write { try $0.set("report", "r", "unit", .string("Battalion 3")) }
        try exchange(a, b)
        for s in [a, b] {
            let d = try #require(try s.document("report", "r"))
            #expect(d.string("area") == "Bria" && d.string("unit") == "Battalion 3" && !d.hasConflicts)
        }
    }

    @Test func forwardOnlyFieldsMergeByRankNotTime() throws {
        let dir = TempDir(), clock = ManualClock()
        let (a, b) = try pair(clock, dir)
        try a.write { try $0.set("referral", "x", "status", .string("completed"), rank: 5) }
        clock.advance(60_000)   // b writes later, but an earlier state
        try b.write { try $0.set("referral", "x", "status", .string("referred"), rank: 2) }
        try exchange(a, b)
        for s in [a, b] {
            let f = try #require(try s.document("referral", "x")?.fields["status"])
            #expect(f.value == .string("completed"))
            #expect(f.conflicts.map(\.value) == [.string("referred")])
        }
    }

    @Test func addWinsOverAConcurrentRemove() throws {
        let dir = TempDir(), clock = ManualClock()
        let (a, b) = try pair(clock, dir)
        try a.write { try $0.add("report", "r", "needs", .string("legal")) }
        try exchange(a, b)
        try b.write { try $0.remove("report", "r", "needs", .string("legal")) }
        try a.write { try $0.add("report", "r", "needs", .string("shelter")) }
        try a.write { tx in
            try tx.remove("report", "r", "needs", .string("legal"))
            try tx.add("report", "r", "needs", .string("legal"))      // concurrent re-add with a new tag
        }
        try exchange(a, b)
        #expect(try a.document("report", "r")?.sets["needs"] == [.string("legal"), .string("shelter")])
        #expect(try a.stateListing() == (try b.stateListing()))
    }

    @Test func deleteAndRecreateConverge() throws {
        let dir = TempDir(), clock = ManualClock()
        let (a, b) = try pair(clock, dir)
        try a.write { try $0.create("case", "c") }
        try exchange(a, b)
        try a.write { try $0.delete("case", "c") }
        try b.write { tx in try tx.delete("case", "c"); try tx.create("case", "c") }
        try exchange(a, b)
        #expect(try a.document("case", "c")?.causalLength == 3)
        #expect(try a.document("case", "c")?.exists == true)
        #expect(try a.stateListing() == (try b.stateListing()))
    }

    @Test func redeliveryIsIdempotentAndDivergentCopiesAreRefused() throws {
        let dir = TempDir(), clock = ManualClock()
        let (a, b) = try pair(clock, dir)
        try a.write { tx in try tx.set("report", "r", "area", .string("A")); try tx.add("report", "r", "needs", .string("medical")) }
        let ops = try a.allOps()
        let first = try b.apply(ops)
        let second = try b.apply(ops.reversed())
        #expect(first.merged == 2 && second.duplicates == 2 && second.merged == 0)
        let before = try b.stateListing()
        let forged = Op(id: ops[0].id, hlc: ops[0].hlc, collection: "report", entity: "r",
                        action: .set(field: "area", value: .string("forged"), rank: 0, supersedes: []))
        let fresh = Op(id: OpID(origin: a.nodeID, seq: 99), hlc: ops[0].hlc, collection: "report", entity: "z",
                       action: .exist(causalLength: 1))
        do {
            _ = try b.apply([fresh, forged])
            Issue.record("a divergent op must be refused")
        } catch let e as StoreError {
            #expect(e.code == .divergentOp)
        }
        #expect(try b.stateListing() == before)
        #expect(try b.document("report", "z") == nil)
    }
}
