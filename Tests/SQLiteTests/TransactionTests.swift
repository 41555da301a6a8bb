import Testing
@testable import SQLite

@Suite struct TransactionTests {
    private func rows(_ db: Database) throws -> [Int] {
        try db.query("SELECT x FROM t ORDER BY rowid") { $0.int(0) ?? -1 }
    }

    private func seeded(_ dir: TempDir, _ options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        let db = try dir.open("test.sqlite", options)
        try db.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")
        return db
    }

    @Test(arguments: [TransactionKind.deferred, .immediate, .exclusive])
    func commitsAndReturnsTheBodysValue(kind: TransactionKind) throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let value = try db.inTransaction(kind) {
            #expect(db.isInTransaction)
            try db.execute("INSERT INTO t VALUES (?)", [2])
            return "done"
        }
        #expect(value == "done")
        #expect(!db.isInTransaction)
        let other = try Database(path: db.path)  // committed: visible to another connection
        #expect(try rows(other) == [1, 2])
    }

    @Test func thrownErrorRollsBackAndIsRethrownUnchanged() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        #expect(throws: MarkerError(id: 7)) {
            try db.inTransaction {
                try db.execute("INSERT INTO t VALUES (2)")
                try db.execute("UPDATE t SET x = x * 10")
                throw MarkerError(id: 7)
            }
        }
        #expect(!db.isInTransaction)
        #expect(try rows(db) == [1])
        #expect(db.lastRollbackError == nil)
    }

    @Test func nestedTransactionIsMisuseAndTheOuterOneRollsBack() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let error = expectDatabaseError {
            try db.inTransaction {
                try db.execute("INSERT INTO t VALUES (2)")
                try db.inTransaction { try db.execute("INSERT INTO t VALUES (3)") }
            }
        }
        #expect(error?.code == .misuse)
        #expect(error?.message.contains("inSavepoint") == true)
        #expect(!db.isInTransaction)
        #expect(try rows(db) == [1])
    }

    @Test func savepointsRollBackOnlyTheirOwnWork() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        try db.inTransaction {
            try db.execute("INSERT INTO t VALUES (2)")
            #expect(throws: MarkerError(id: 1)) {
                try db.inSavepoint {
                    try db.execute("INSERT INTO t VALUES (3)")
                    try db.inSavepoint { try db.execute("INSERT INTO t VALUES (4)") }
                    throw MarkerError(id: 1)
                }
            }
            #expect(db.isInTransaction)
            try db.inSavepoint {
                try db.execute("INSERT INTO t VALUES (5)")
                #expect(throws: MarkerError(id: 2)) {
                    try db.inSavepoint {
                        try db.execute("INSERT INTO t VALUES (6)")
                        throw MarkerError(id: 2)
                    }
                }
                try db.inSavepoint { try db.execute("INSERT INTO t VALUES (7)") }
            }
        }
        #expect(try rows(db) == [1, 2, 5, 7])
    }

    @Test func savepointOutsideATransactionIsATransaction() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        try db.inSavepoint { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(!db.isInTransaction)
        #expect(throws: MarkerError(id: 3)) {
            try db.inSavepoint {
                try db.execute("INSERT INTO t VALUES (3)")
                throw MarkerError(id: 3)
            }
        }
        #expect(!db.isInTransaction)
        #expect(try rows(db) == [1, 2])
    }

    @Test func transactionEndedInsideTheBodyIsNotReportedAsSuccess() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let error = expectDatabaseError {
            try db.inTransaction {
                try db.execute("INSERT INTO t VALUES (2)")
                try db.execute("ROLLBACK")  // stands in for SQLite's own rollback after FULL/IOERR
            }
        }
        #expect(error?.code == .abort)
        #expect(try rows(db) == [1])
        let inSavepoint = expectDatabaseError {
            try db.inTransaction {
                try db.inSavepoint {
                    try db.execute("INSERT INTO t VALUES (3)")
                    try db.execute("ROLLBACK")
                }
            }
        }
        #expect(inSavepoint?.code == .abort)
        #expect(!db.isInTransaction)
        #expect(try rows(db) == [1])
    }

    /// Real SQLITE_FULL: the file may not grow past max_page_count.
    @Test func diskFullDuringATransactionLeavesTheDatabaseExactlyAsBefore() throws {
        let dir = try TempDir()
        let db = try dir.open()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        for i in 0..<20 {
            try db.execute("INSERT INTO t (payload) VALUES (?)", [.blob(Array(repeating: UInt8(i), count: 300))])
        }
        let dump = { try db.query("SELECT id, payload FROM t ORDER BY id") { [$0[0], $0[1]] } }
        let before = try dump()
        let pages = try #require(try db.scalar("PRAGMA page_count", as: Int.self))
        try db.execute("PRAGMA max_page_count = \(pages + 4)")
        var inserted = 0
        let error = expectDatabaseError {
            try db.inTransaction {
                for _ in 0..<200 {
                    try db.execute("INSERT INTO t (payload) VALUES (?)", [.blob(Array(repeating: 0xAB, count: 4000))])
                    inserted += 1
                }
            }
        }
        #expect(inserted > 0)  // the failure came mid-transaction, after some writes succeeded
        #expect(error?.code == .full)
        #expect(error?.description.contains("SQLITE_FULL") == true)
        #expect(!db.isInTransaction)
        #expect(try dump() == before)
        #expect(try db.integrityCheck() == ["ok"])
        let fresh = try Database(path: db.path)
        #expect(try fresh.query("SELECT id, payload FROM t ORDER BY id") { [$0[0], $0[1]] } == before)
        #expect(try fresh.integrityCheck() == ["ok"])
    }

    /// Real SQLITE_BUSY: a second connection holds the write lock past the busy timeout.
    @Test func writeLockHeldElsewhereSurfacesAsBusyAfterTheTimeout() throws {
        let dir = try TempDir()
        let holder = try seeded(dir)
        let waiter = try Database(path: holder.path, options: DatabaseOptions(busyTimeoutMilliseconds: 200))
        try holder.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (2)")
        #expect(try rows(waiter) == [1])  // WAL: readers are not blocked, and see committed data only
        let clock = ContinuousClock()
        let start = clock.now
        let error = expectDatabaseError {
            try waiter.inTransaction { try waiter.execute("INSERT INTO t VALUES (3)") }
        }
        let waited = clock.now - start
        #expect(error?.code == .busy)
        #expect(waited >= .milliseconds(180), "returned after \(waited), before the busy timeout")
        #expect(!waiter.isInTransaction)
        try holder.execute("COMMIT")
        try waiter.inTransaction { try waiter.execute("INSERT INTO t VALUES (3)") }
        #expect(try rows(holder) == [1, 2, 3])
    }

    /// Real failed COMMIT: in rollback-journal mode a reader's SHARED lock blocks the commit.
    @Test func failedCommitRollsBackAndThrows() throws {
        let dir = try TempDir()
        let options = DatabaseOptions(journalModeWAL: false, busyTimeoutMilliseconds: 100)
        let writer = try seeded(dir, options)
        let reader = try Database(path: writer.path, options: options)
        try reader.execute("BEGIN DEFERRED")
        #expect(try rows(reader) == [1])  // takes and keeps the SHARED lock
        let error = expectDatabaseError {
            try writer.inTransaction { try writer.execute("INSERT INTO t VALUES (2)") }
        }
        #expect(error?.code == .busy)
        #expect(error?.sql == "COMMIT TRANSACTION")
        #expect(!writer.isInTransaction)
        try reader.execute("COMMIT")
        #expect(try rows(writer) == [1])
        #expect(try rows(reader) == [1])
        try writer.inTransaction { try writer.execute("INSERT INTO t VALUES (2)") }
        #expect(try rows(reader) == [1, 2])
    }
}
