import Dispatch
import Foundation
import Synchronization
import Testing
@testable import SQLite

@Suite(.timeLimit(.minutes(1))) struct BackupTests {
    /// A source whose tables keep an invariant every consistent snapshot satisfies:
    /// `counter.n == count(*) FROM t`.
    private func source(_ dir: TempDir, rows: Int, _ options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        let db = try dir.open("source.sqlite", options)
        try db.execute("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
            CREATE TABLE counter (n INTEGER NOT NULL);
            INSERT INTO counter VALUES (0);
            """)
        try db.inTransaction {
            for i in 0..<rows { try Self.insertRow(db, i) }
        }
        return db
    }

    private static func insertRow(_ db: Database, _ i: Int) throws {
        try db.execute("INSERT INTO t (payload) VALUES (?)", [.blob(Array(repeating: UInt8(truncatingIfNeeded: i), count: 1000))])
        try db.execute("UPDATE counter SET n = n + 1")
    }

    private func dump(_ db: Database) throws -> [[DatabaseValue]] {
        try db.query("SELECT id, payload FROM t ORDER BY id") { [$0[0], $0[1]] }
    }

    /// Another connection commits between backup steps: the copy is the snapshot from the start.
    @Test func backupIsOneConsistentSnapshotWhileAnotherConnectionWrites() throws {
        let dir = try TempDir()
        let db = try source(dir, rows: 300)
        let before = try dump(db)
        let writer = try Database(path: db.path)
        var steps: [BackupProgress] = []
        try db.backup(to: dir.file("copy.sqlite"), pagesPerStep: 4) { progress in
            steps.append(progress)
            try writer.inTransaction { try Self.insertRow(writer, steps.count) }
        }
        #expect(steps.count > 10)
        #expect(steps.map(\.remainingPages) == steps.map(\.remainingPages).sorted(by: >))
        #expect(try writer.count("t") == 300 + steps.count)  // the writes really landed in the source

        let copy = try dir.open("copy.sqlite")
        #expect(try copy.integrityCheck() == ["ok"])
        #expect(try dump(copy) == before)
        #expect(try copy.scalar("SELECT n FROM counter", as: Int.self) == 300)
    }

    /// A writer thread runs freely during a slow backup; the copy must satisfy the invariant.
    @Test func backupUnderAConcurrentWriterThreadIsConsistent() async throws {
        let dir = try TempDir()
        try source(dir, rows: 200).close()
        let path = dir.file("source.sqlite")
        let stop = Mutex(false)
        let written = Mutex(0)
        let writerDone = DispatchSemaphore(value: 0)
        let firstWrite = DispatchSemaphore(value: 0)
        let writerError = Mutex<String?>(nil)
        let writerQueue = try DatabaseQueue(path: path, options: DatabaseOptions(synchronous: .off), label: "test.writer")
        DispatchQueue.global().async {
            defer { writerDone.signal() }
            do {
                while !stop.withLock({ $0 }) {
                    try writerQueue.sync { db in try db.inTransaction { try Self.insertRow(db, 1) } }
                    if written.withLock({ $0 += 1; return $0 }) == 1 { firstWrite.signal() }
                }
            } catch {
                writerError.withLock { $0 = "\(error)" }
                firstWrite.signal()
            }
        }
        firstWrite.wait()  // the writer is running before the backup starts
        let backupQueue = try DatabaseQueue(path: path, label: "test.backup")
        let copyPath = dir.file("copy.sqlite")
        try await backupQueue.run { db in try db.backup(to: copyPath, pagesPerStep: 1) }
        stop.withLock { $0 = true }
        writerDone.wait()
        #expect(writerError.withLock { $0 } == nil)
        #expect(written.withLock { $0 } > 0)
        // Close now: the writer block may release its reference after the TempDir is gone.
        try writerQueue.close()
        try backupQueue.close()

        let copy = try Database(path: copyPath)
        #expect(try copy.integrityCheck() == ["ok"])
        let count = try copy.count("t")
        #expect(count >= 200)
        #expect(try copy.scalar("SELECT n FROM counter", as: Int.self) == count)
        #expect(try copy.scalar("SELECT max(id) FROM t", as: Int.self) == count)  // no gaps: a prefix
    }

    @Test func backupInRollbackJournalModeCopiesEverything() throws {
        let dir = try TempDir()
        let db = try source(dir, rows: 50, DatabaseOptions(journalModeWAL: false))
        try db.backup(to: dir.file("copy.sqlite"), pagesPerStep: -1)
        let copy = try dir.open("copy.sqlite")
        #expect(try copy.integrityCheck() == ["ok"])
        #expect(try dump(copy) == dump(db))
    }

    @Test func existingDestinationIsRefusedAndLeftAlone() throws {
        let dir = try TempDir()
        let db = try source(dir, rows: 3)
        let target = dir.file("precious.sqlite")
        let content = Data("do not overwrite".utf8)
        #expect(FileManager.default.createFile(atPath: target, contents: content))
        let error = expectDatabaseError { try db.backup(to: target) }
        #expect(error?.code == .cantopen)
        #expect(error?.message.contains(target) == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == content)
    }

    @Test func cancelledBackupRemovesThePartialFile() throws {
        let dir = try TempDir()
        let db = try source(dir, rows: 100)
        let target = dir.file("partial.sqlite")
        var calls = 0
        #expect(throws: MarkerError(id: 9)) {
            try db.backup(to: target, pagesPerStep: 2) { _ in
                calls += 1
                if calls == 3 { throw MarkerError(id: 9) }
            }
        }
        #expect(calls == 3)
        for suffix in ["", "-journal", "-wal", "-shm"] {
            #expect(!FileManager.default.fileExists(atPath: target + suffix), "\(target + suffix) left behind")
        }
        #expect(!db.isInTransaction)  // the snapshot read transaction was ended
        try db.execute("INSERT INTO t (payload) VALUES (x'00')")  // and the source is writable
    }

    @Test func misuseIsRefusedBeforeAnyFileIsCreated() throws {
        let dir = try TempDir()
        let db = try source(dir, rows: 1)
        let target = dir.file("never.sqlite")
        #expect(expectDatabaseError { try db.backup(to: target, pagesPerStep: 0) }?.code == .misuse)
        let inside = expectDatabaseError { try db.inTransaction { try db.backup(to: target) } }
        #expect(inside?.code == .misuse)
        #expect(expectDatabaseError { try db.backup(to: dir.file("missing/dir/copy.sqlite")) }?.code == .cantopen)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func walCheckpointTruncateEmptiesTheWAL() throws {
        let dir = try TempDir()
        let db = try source(dir, rows: 50)
        let wal = db.path + "-wal"
        let sizeBefore = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
        #expect(sizeBefore > 0)
        try db.walCheckpoint(truncate: false)
        try db.walCheckpoint(truncate: true)
        #expect(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int == 0)
        // A reader holding a snapshot makes TRUNCATE report busy.
        try db.execute("INSERT INTO t (payload) VALUES (x'01')")
        let reader = try Database(path: db.path, options: DatabaseOptions(busyTimeoutMilliseconds: 0))
        try reader.execute("BEGIN")
        _ = try reader.count("t")
        try db.execute("INSERT INTO t (payload) VALUES (x'02')")
        let db2 = try Database(path: db.path, options: DatabaseOptions(busyTimeoutMilliseconds: 50))
        #expect(expectDatabaseError { try db2.walCheckpoint(truncate: true) }?.code == .busy)
        try reader.execute("COMMIT")
        try db2.walCheckpoint(truncate: true)
    }
}
