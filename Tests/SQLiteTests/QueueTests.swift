import Dispatch
import Synchronization
import Testing
@testable import SQLite

@Suite struct QueueTests {
    /// Tracks how many bodies run at once.
    final class Overlap: Sendable {
        private let state = Mutex((inside: 0, maximum: 0))
        func enter() { state.withLock { $0.inside += 1; $0.maximum = max($0.maximum, $0.inside) } }
        func leave() { state.withLock { $0.inside -= 1 } }
        var maximum: Int { state.withLock { $0.maximum } }
    }

    @Test func runFromManyConcurrentTasksIsSerializedOnTheQueue() async throws {
        let dir = try TempDir()
        let queue = try DatabaseQueue(path: dir.file("q.sqlite"))
        try queue.sync { try $0.execute("CREATE TABLE t (task INTEGER NOT NULL UNIQUE)") }
        let overlap = Overlap()
        let tasks = 64
        let onQueue = try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    try await queue.run { db in
                        overlap.enter()
                        defer { overlap.leave() }
                        // Read-modify-write: only correct if nobody else runs in between.
                        let before = try db.count("t")
                        try db.execute("INSERT INTO t (task) VALUES (?)", [.integer(Int64(task))])
                        let after = try db.count("t")
                        return queue.isOnQueue && after == before + 1
                    }
                }
            }
            var results: [Bool] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(onQueue.count == tasks)
        #expect(onQueue.allSatisfy { $0 })
        #expect(overlap.maximum == 1)
        #expect(!queue.isOnQueue)
        #expect(try queue.sync { try $0.count("t") } == tasks)
        #expect(try queue.sync { try $0.scalar("SELECT count(DISTINCT task) FROM t", as: Int.self) } == tasks)
    }

    @Test func runExecutesOnItsOwnQueue() async throws {
        let dir = try TempDir()
        let queue = try DatabaseQueue(path: dir.file("q.sqlite"), label: "test.label")
        let other = try DatabaseQueue(path: dir.file("other.sqlite"))
        let flags = try await queue.run { _ in
            queue.preconditionOnQueue()  // stops the test process if run hopped elsewhere
            return [queue.isOnQueue, other.isOnQueue]
        }
        #expect(flags == [true, false])
        #expect(queue.sync { _ in queue.isOnQueue })
        #expect(!queue.isOnQueue)
    }

    @Test func errorsComeBackFromRunAndSync() async throws {
        let dir = try TempDir()
        let queue = try await DatabaseQueue.open(path: dir.file("q.sqlite"))
        #expect(queue.path == dir.file("q.sqlite"))
        do {
            _ = try await queue.run { db in try db.execute("SELEKT 1") }
            Issue.record("run swallowed the error")
        } catch let error as DatabaseError {
            #expect(error.code == .error)
        }
        #expect(throws: MarkerError(id: 4)) { try queue.sync { _ in throw MarkerError(id: 4) } }
        #expect(queue.sync { _ in 5 } == 5)  // non-throwing body, no try needed
        try queue.close()
        #expect(expectDatabaseError { try queue.sync { try $0.execute("SELECT 1") } }?.code == .misuse)
    }

    @Test func openFailureSurfacesFromTheAsyncOpener() async throws {
        let dir = try TempDir()
        do {
            _ = try await DatabaseQueue.open(path: dir.file("missing/q.sqlite"))
            Issue.record("opened a database in a missing directory")
        } catch let error as DatabaseError {
            #expect(error.code == .cantopen)
        }
    }
}
