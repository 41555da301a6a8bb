import Dispatch
import SQLite
import Synchronization

/// Group commit (issue 15): callers that want a durable change at the same moment share one
/// COMMIT — one fsync per file written, instead of one per caller. On a disk whose fsync takes
/// 2 ms, a store that commits each caller alone serves at most a few hundred commits a second,
/// however little each one writes.
///
/// Rules:
/// 1. `grouped` enqueues its caller. The store's call queue takes every caller waiting at that
///    moment, in arrival order, at most `StoreOptions.maxGroupSize`, into one
///    `BEGIN IMMEDIATE` transaction. Nobody waits for a group to fill: a caller alone is a
///    group of one, and the callers that arrive while a group commits form the next group.
/// 2. Each caller's body runs in its own SAVEPOINT, one after another in arrival order, and
///    sees what the earlier callers of its group wrote. A body that throws rolls back its own
///    savepoint only: its caller gets its error, the others are unaffected.
/// 3. One COMMIT for the group. No caller is answered before that COMMIT has returned, so
///    nothing is acknowledged before the commit that holds it is durable.
/// 4. If the COMMIT fails, every caller whose body succeeded gets the COMMIT's error and nothing
///    of the group is kept. If SQLite ends the transaction by itself during a body (`FULL`,
///    `IOERR`, …), that body's error goes to every caller run so far (their work is gone) and the
///    callers not yet run wait for the next group. A caller whose body threw always gets its
///    own error.
/// 5. A body gets a `StoreTransaction` (its rules hold): merge observers run inside the
///    transaction; `savepoint` nests.
/// 6. No in-memory state survives a rolled-back savepoint: every `apply` and `write` builds its
///    `MergeContext` (arrival numbers, interned ids) and its clock from the database and writes
///    them back before its savepoint is released, and cached statements are reset on each use;
///    so the next body reads what was kept, nothing else. What the caller keeps in memory from a
///    body (a cache it fills) it must fill only after `grouped` returned.
/// 7. Bodies must be short: the whole group waits on each (they run on the writer).
final class GroupCommitter: Sendable {
    let maxGroupSize: Int

    private struct State {
        var waiting: [any GroupedCall] = []
        /// A drain is queued or running: new callers only join `waiting`.
        var draining = false
        var statistics = GroupCommitStatistics()
    }
    private let state = Mutex(State())

    init(maxGroupSize: Int) {
        self.maxGroupSize = max(1, maxGroupSize)
    }

    /// Adds `call`; true when the caller must schedule a drain (none is queued).
    fileprivate func enqueue(_ call: any GroupedCall) -> Bool {
        state.withLock { state in
            state.waiting.append(call)
            if state.draining { return false }
            state.draining = true
            return true
        }
    }

    /// The next group, at most `maxGroupSize` callers; empty (and no drain pending) when none wait.
    fileprivate func nextGroup() -> [any GroupedCall] {
        state.withLock { state in
            let group = Array(state.waiting.prefix(maxGroupSize))
            state.waiting.removeFirst(group.count)
            if group.isEmpty { state.draining = false }
            return group
        }
    }

    /// Callers a group could not run (rule 4) go first into the next one.
    fileprivate func putBack(_ calls: ArraySlice<any GroupedCall>) {
        state.withLock { state in state.waiting.insert(contentsOf: calls, at: 0) }
    }

    fileprivate func record(committed size: Int) {
        state.withLock { state in
            state.statistics.commits += 1
            state.statistics.calls += size
            state.statistics.largestGroup = max(state.statistics.largestGroup, size)
        }
    }

    fileprivate func recordFailedGroup() {
        state.withLock { state in state.statistics.failedGroups += 1 }
    }

    var statistics: GroupCommitStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.waiting = state.waiting.count
            return statistics
        }
    }
}

/// How the store's groups went since it was opened (for tests, logs and the benchmark).
public struct GroupCommitStatistics: Sendable, Equatable {
    /// Groups committed.
    public var commits = 0
    /// Callers answered by those commits (bodies that threw included).
    public var calls = 0
    /// The most callers one commit held.
    public var largestGroup = 0
    /// Groups whose transaction was lost (rule 4).
    public var failedGroups = 0
    /// Callers waiting now.
    public var waiting = 0
}

/// One caller of `grouped`, its type erased so that a group can hold callers of any result type.
private protocol GroupedCall: Sendable {
    /// Runs the body in its savepoint and keeps the outcome; true when the body succeeded.
    func run(_ transaction: StoreTransaction, path: String) -> Bool
    /// Answers the caller: its own outcome when `groupError` is nil (the group committed) or its
    /// body threw; otherwise the group's error.
    func answer(groupError: (any Error)?)
}

private final class Call<T: Sendable>: GroupedCall {
    let body: @Sendable (StoreTransaction) throws -> T
    let continuation: CheckedContinuation<T, any Error>
    /// Written by `run`, read by `answer`: both on the store's call queue, one after the other.
    let outcome = Mutex<Result<T, any Error>?>(nil)

    init(_ body: @escaping @Sendable (StoreTransaction) throws -> T, _ continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ transaction: StoreTransaction, path: String) -> Bool {
        let result = Result<T, any Error> {
            do {
                return try transaction.savepoint { try body(transaction) }
            } catch {
                throw StoreError.translate(error, path: path)
            }
        }
        outcome.withLock { $0 = result }
        if case .success = result { return true }
        return false
    }

    func answer(groupError: (any Error)?) {
        let own = outcome.withLock { $0 }
        switch (own, groupError) {
        case (.failure(let error)?, _): continuation.resume(throwing: error)
        case (_, let error?): continuation.resume(throwing: error)
        case (.success(let value)?, nil): continuation.resume(returning: value)
        case (nil, nil): continuation.resume(throwing: StoreError(.database, "a grouped call was answered without being run; this is a bug in the store"))
        }
    }
}

extension Store {
    /// Runs `body` in its own savepoint of a transaction shared with every other caller waiting
    /// at that moment, and returns once the shared COMMIT has returned (rules above). If `body`
    /// throws, only its own changes are rolled back and its error is rethrown; if the COMMIT
    /// fails, its error is thrown and nothing of the group is kept.
    @discardableResult
    public func grouped<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            if committer.enqueue(Call(body, continuation)) {
                callQueue.async { self.drainGroup() }
            }
        }
    }

    /// How group commit has gone so far.
    public var groupCommitStatistics: GroupCommitStatistics { committer.statistics }

    /// Runs one group on the call queue, then queues the next drain behind whatever else waits
    /// for the queue (so `async` callers are not starved by a stream of groups).
    private func drainGroup() {
        let group = committer.nextGroup()
        guard !group.isEmpty else { return }
        runGroup(group)
        callQueue.async { self.drainGroup() }
    }

    private func runGroup(_ group: [any GroupedCall]) {
        var ran = 0
        do {
            try onQueue { db in
                try db.inTransaction(.immediate) {
                    let transaction = StoreTransaction(store: self, db: db)
                    while ran < group.count {
                        let call = group[ran]
                        ran += 1
                        if !call.run(transaction, path: path), !db.isInTransaction {
                            // Rule 4: SQLite ended the whole transaction inside this body.
                            throw StoreError(.database, "the store \(path) rolled back a group of \(ran) changes after an error in one of them; nothing of them was saved. Try again")
                        }
                    }
                }
            }
        } catch {
            committer.recordFailedGroup()
            for call in group[..<ran] { call.answer(groupError: error) }
            if ran == 0 {
                // BEGIN failed (busy, read-only, full): nobody ran, everyone hears why.
                for call in group { call.answer(groupError: error) }
            } else {
                committer.putBack(group[ran...])
            }
            return
        }
        committer.record(committed: group.count)
        for call in group { call.answer(groupError: nil) }
    }
}
