import Testing
@testable import SQLite

/// Programming errors stop the process; each runs in a child process (exit tests).
@Suite struct MisuseExitTests {
    @Test func rowUsedAfterItsClosureStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let dir = try TempDir()
            let db = try dir.open()
            var escaped: Row?
            _ = try db.query("SELECT 1") { escaped = $0 }
            _ = escaped?[0]
        }
    }

    @Test func columnOutOfRangeStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let dir = try TempDir()
            let db = try dir.open()
            _ = try db.query("SELECT 1") { $0[1] }
        }
    }

    @Test func syncFromInsideTheQueueStopsTheProcessInsteadOfDeadlocking() async {
        await #expect(processExitsWith: .failure) {
            let dir = try TempDir()
            let queue = try DatabaseQueue(path: dir.file("q.sqlite"))
            queue.sync { _ in queue.sync { _ in } }
        }
    }

    @Test func duplicateMigrationNameStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var migrator = DatabaseMigrator()
            migrator.registerMigration("a") { _ in }
            migrator.registerMigration("a") { _ in }
        }
    }
}
