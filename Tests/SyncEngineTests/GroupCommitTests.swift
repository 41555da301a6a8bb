import Dispatch
import SQLite
import Synchronization
import SyncProtocol
import Testing
@testable import SyncEngine

/// Issue 15: group commit (`Store.grouped`, Store+GroupCommit.swift) on real SQLite files:
/// callers waiting together share one COMMIT, each keeps its own result or its own error, a
/// failing COMMIT fails the whole group, and a rolled-back caller leaves nothing behind, in
/// the file or in memory.
@Suite struct GroupCommitTests {
    static let ownTables = LocalMigration("test-0001-group-rows") { db in
        try db.execute("""
            CREATE TABLE notes(caller INTEGER NOT NULL, text TEXT NOT NULL) STRICT;
            CREATE TABLE parents(id INTEGER PRIMARY KEY);
            CREATE TABLE children(parent INTEGER NOT NULL REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED);
            """)
    }

    struct Refused: Error, Equatable {
        let caller: Int
    }

    func makeHub(_ dir: TempDir, _ clock: ManualClock, maxGroupSize: Int = StoreOptions.defaultMaxGroupSize) throws -> Store {
        var hubOptions = options(clock, synchronous: .full)
        hubOptions.localMigrations = [Self.ownTables]
        hubOptions.maxGroupSize = maxGroupSize
        return try Store.create(path: dir.file("hub.db"), role: .hub, options: hubOptions)
    }

    /// One report's ops from a fresh origin (what one laptop's push carries).
    func report(_ clock: ManualClock, index: Int) -> (origin: NodeID, ops: [Op]) {
        let origin = NodeID.random()
        let entity = EntityID.make(owner: origin)
        let ms = clock.milliseconds - 1000
        let ops = [
            Op(id: OpID(origin: origin, seq: 1), hlc: HLC(milliseconds: ms, counter: 0), collection: "report", entity: entity,
               action: .exist(causalLength: 1)),
            Op(id: OpID(origin: origin, seq: 2), hlc: HLC(milliseconds: ms, counter: 1), collection: "report", entity: entity,
               action: .set(field: "ref", value: .string("MINUSCA-\(index)"), rank: 0, supersedes: [])),
        ]
        return (origin, ops)
    }

    final class Flag: Sendable {
        let raised = Mutex(false)
    }

    /// Holds the store's writer in a group of one until `release` is signalled, so that the
    /// callers started meanwhile wait together for the next group; returns once it holds it.
    func holdWriter(_ store: Store, release: DispatchSemaphore) async throws -> Task<Void, any Error> {
        let holding = Flag()
        let task = Task { try await store.grouped { _ in
            holding.raised.withLock { $0 = true }
            release.wait()
        } }
        for _ in 0..<2000 where !holding.raised.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        return task
    }

    /// Waits until `count` callers wait for a group (the held one excluded).
    func waitForWaiting(_ store: Store, _ count: Int) async throws {
        for _ in 0..<2000 where store.groupCommitStatistics.waiting < count {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(store.groupCommitStatistics.waiting == count)
    }

    @Test func callersWaitingTogetherShareOneCommitAndEachGetsItsOwnResult() async throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try makeHub(dir, clock)
        let release = DispatchSemaphore(value: 0)
        let held = try await holdWriter(hub, release: release)
        let callers = 20
        let reports = (0..<callers).map { report(clock, index: $0) }
        try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (index, report) in reports.enumerated() {
                group.addTask {
                    let merged = try await hub.grouped { tx -> Int in
                        let outcome = try tx.apply(report.ops)
                        try tx.local { try $0.execute("INSERT INTO notes VALUES (?, 'pushed')", [.integer(Int64(index))]) }
                        return outcome.merged
                    }
                    return (index, merged)
                }
            }
            try await waitForWaiting(hub, callers)
            release.signal()
            try await held.value
            var answered = Set<Int>()
            for try await (index, merged) in group {
                #expect(merged == 2, "caller \(index) merged \(merged) ops")
                answered.insert(index)
            }
            #expect(answered.count == callers)
        }
        let statistics = hub.groupCommitStatistics
        #expect(statistics.commits == 2 && statistics.calls == callers + 1 && statistics.largestGroup == callers, "\(statistics)")
        // What each caller was told is in the file: read it from a fresh connection.
        let reopened = try Store.open(path: hub.path, options: hub.options)
        #expect(try reopened.counts().ops == 2 * callers)
        #expect(try reopened.local { try $0.scalar("SELECT count(*) FROM notes", as: Int64.self) } == Int64(callers))
        #expect(try reopened.verify().isEmpty)
    }

    @Test func aGroupHoldsAtMostMaxGroupSizeCallers() async throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try makeHub(dir, clock, maxGroupSize: 8)
        let release = DispatchSemaphore(value: 0)
        let held = try await holdWriter(hub, release: release)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await hub.grouped { tx in
                        try tx.local { try $0.execute("INSERT INTO notes VALUES (?, 'x')", [.integer(Int64(index))]) }
                    }
                }
            }
            try await waitForWaiting(hub, 20)
            release.signal()
            try await held.value
            try await group.waitForAll()
        }
        let statistics = hub.groupCommitStatistics
        #expect(statistics.commits == 1 + 3 && statistics.largestGroup == 8 && statistics.calls == 21, "\(statistics)")
        #expect(try hub.local { try $0.scalar("SELECT count(*) FROM notes", as: Int64.self) } == 20)
    }

    @Test func oneCallersFailureRollsBackOnlyItsOwnWritesAndNoStateOfIt() async throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try makeHub(dir, clock)
        let release = DispatchSemaphore(value: 0)
        let held = try await holdWriter(hub, release: release)
        let reports = (0..<6).map { report(clock, index: $0) }
        let failing = 2
        // The failing caller's ops carry a later stamp: had its clock move survived the
        // rollback, the hub's clock would show it.
        let late = clock.milliseconds + 60_000
        let failingOps = reports[failing].ops.map { Op(id: $0.id, hlc: HLC(milliseconds: late, counter: 0), collection: $0.collection,
                                                       entity: $0.entity, action: $0.action) }
        let results = try await withThrowingTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
            for (index, report) in reports.enumerated() {
                group.addTask {
                    do {
                        let merged = try await hub.grouped { tx -> Int in
                            let outcome = try tx.apply(index == failing ? failingOps : report.ops)
                            try tx.local { try $0.execute("INSERT INTO notes VALUES (?, 'pushed')", [.integer(Int64(index))]) }
                            if index == failing { throw Refused(caller: index) }
                            return outcome.merged
                        }
                        return (index, .success(merged))
                    } catch let error as Refused {
                        return (index, .failure(error))
                    }
                }
            }
            try await waitForWaiting(hub, reports.count)
            release.signal()
            try await held.value
            var results: [Int: Result<Int, Refused>] = [:]
            for try await (index, result) in group { results[index] = result }
            return results
        }
        for index in reports.indices {
            if index == failing {
                #expect(results[index] == .failure(Refused(caller: index)))
            } else {
                #expect(results[index] == .success(2))
            }
        }
        #expect(hub.groupCommitStatistics.commits == 2)
        let reopened = try Store.open(path: hub.path, options: hub.options)
        #expect(try reopened.counts().ops == 2 * (reports.count - 1))
        #expect(try reopened.originStates([reports[failing].origin]).first?.maxSeq == 0)
        #expect(try reopened.local { try $0.query("SELECT caller FROM notes ORDER BY caller") { $0.int64(0) ?? -1 } } == [0, 1, 3, 4, 5])
        // Arrival numbers stay gapless (the rolled-back caller's were given again), so a pull
        // from cursor 0 sees every op, and the clock never saw the rolled-back stamps.
        let arrivals = try reopened.onQueue { db in try db.query("SELECT local_seq FROM ops ORDER BY local_seq") { $0.int64(0) ?? 0 } }
        #expect(arrivals == Array(1...Int64(arrivals.count)))
        let pulled = try reopened.opsForPull(scopes: ["hub"] + reports.map { "node:" + $0.origin.hex }, excludingOrigin: nil, after: 0,
                                             maxOps: 100, maxBytes: 1 << 20)
        #expect(pulled.ops.count == 2 * (reports.count - 1))
        let clockMs = try reopened.onQueue { db in try OpLog.loadClock(db, maxDrift: reopened.options.maxDriftMilliseconds).last.milliseconds }
        #expect(clockMs < late, "the hub's clock kept a stamp of a rolled-back caller")
        #expect(try reopened.verify().isEmpty)
    }

    @Test func aNestedSavepointFailsAloneAndTheOuterWritesStay() async throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try makeHub(dir, clock)
        let report = report(clock, index: 0)
        // The hub's shape: the counter in the caller's savepoint, the push nested in it.
        let outcome = try await hub.grouped { tx -> Result<Int, Refused> in
            try tx.local { try $0.execute("INSERT INTO notes VALUES (0, 'counter')") }
            do {
                return .success(try tx.savepoint { () throws -> Int in
                    try tx.apply(report.ops)
                    throw Refused(caller: 0)
                })
            } catch let error as Refused {
                return .failure(error)
            }
        }
        #expect(outcome == .failure(Refused(caller: 0)))
        #expect(try hub.counts().ops == 0)
        #expect(try hub.local { try $0.query("SELECT text FROM notes") { $0.string(0) ?? "" } } == ["counter"])
    }

    @Test func aFailingCommitFailsEveryCallerOfTheGroupAndKeepsNothing() async throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try makeHub(dir, clock)
        let release = DispatchSemaphore(value: 0)
        let held = try await holdWriter(hub, release: release)
        let reports = (0..<4).map { report(clock, index: $0) }
        // Caller 1 writes a row whose deferred foreign key is checked only at COMMIT: each
        // savepoint is released fine, and the COMMIT itself fails.
        let failures = try await withThrowingTaskGroup(of: (any Error)?.self) { group in
            for (index, report) in reports.enumerated() {
                group.addTask {
                    do {
                        try await hub.grouped { tx in
                            try tx.apply(report.ops)
                            if index == 1 { try tx.local { try $0.execute("INSERT INTO children VALUES (999)") } }
                        }
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            try await waitForWaiting(hub, reports.count)
            release.signal()
            try await held.value
            var failures: [any Error] = []
            for try await error in group { if let error { failures.append(error) } }
            return failures
        }
        #expect(failures.count == reports.count, "only \(failures.count) of \(reports.count) callers heard that the commit failed")
        #expect(failures.allSatisfy { ($0 as? StoreError)?.underlying?.code == .constraint }, "\(failures)")
        #expect(hub.groupCommitStatistics.failedGroups == 1)
        #expect(try hub.counts().ops == 0)
        // The store goes on: the next group commits.
        try await hub.grouped { tx in try tx.apply(reports[0].ops) }
        let reopened = try Store.open(path: hub.path, options: hub.options)
        #expect(try reopened.counts().ops == 2)
        #expect(try reopened.verify().isEmpty)
    }
}
