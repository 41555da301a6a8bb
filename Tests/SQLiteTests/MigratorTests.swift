import Testing
@testable import SQLite

@Suite struct MigratorTests {
    /// Counts how often each migration body ran.
    final class Runs {
        var names: [String] = []
    }

    private func migrator(_ names: [String], _ runs: Runs) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for name in names {
            migrator.registerMigration(name) { db in
                runs.names.append(name)
                try db.execute("CREATE TABLE \(name) (id INTEGER PRIMARY KEY)")
            }
        }
        return migrator
    }

    private func tables(_ db: Database) throws -> [String] {
        try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { $0.string(0) ?? "" }
    }

    @Test func appliesOnceInOrderRecordsAndSkips() throws {
        let dir = try TempDir()
        let db = try dir.open()
        let runs = Runs()
        #expect(try DatabaseMigrator().appliedMigrations(db) == [])
        try migrator(["m1", "m2"], runs).migrate(db)
        #expect(runs.names == ["m1", "m2"])
        #expect(try migrator(["m1", "m2"], runs).appliedMigrations(db) == ["m1", "m2"])
        let stamps = try db.query("SELECT applied_at FROM schema_migrations") { $0.string(0) ?? "" }
        #expect(stamps.allSatisfy { $0.count == 24 && $0.hasSuffix("Z") && $0.contains("T") })

        try migrator(["m1", "m2"], runs).migrate(db)
        #expect(runs.names == ["m1", "m2"])  // nothing re-run

        let reopened = try Database(path: db.path)
        try migrator(["m1", "m2", "m3"], runs).migrate(reopened)
        #expect(runs.names == ["m1", "m2", "m3"])
        #expect(try DatabaseMigrator().appliedMigrations(reopened) == ["m1", "m2", "m3"])
        #expect(try tables(reopened) == ["m1", "m2", "m3", "schema_migrations"])
    }

    @Test func refusesADatabaseWrittenByANewerBinaryAndTouchesNothing() throws {
        let dir = try TempDir()
        let db = try dir.open()
        let runs = Runs()
        try migrator(["m1", "m2", "m3_newer"], runs).migrate(db)
        let tablesBefore = try tables(db)

        let older = migrator(["m1", "m2", "m2b_local"], runs)
        do {
            try older.migrate(db)
            Issue.record("migrate accepted a database with an unknown migration")
        } catch let error as MigrationError {
            #expect(error.code == .databaseIsNewer)
            #expect(error.migration == "m3_newer")
            #expect(error.description == "database was written by a newer fieldsync (migration m3_newer); upgrade the binary")
        }
        #expect(runs.names == ["m1", "m2", "m3_newer"])  // m2b_local never ran
        #expect(try tables(db) == tablesBefore)
        #expect(try older.appliedMigrations(db) == ["m1", "m2", "m3_newer"])
    }

    @Test func failingMigrationRollsBackAloneAndIsNotRecorded() throws {
        let dir = try TempDir()
        let db = try dir.open()
        var migrator = DatabaseMigrator()
        migrator.registerMigration("good") { db in try db.execute("CREATE TABLE good (x)") }
        migrator.registerMigration("bad") { db in
            try db.execute("CREATE TABLE half (x)")
            try db.execute("INSERT INTO missing_table VALUES (1)")
        }
        migrator.registerMigration("after") { db in try db.execute("CREATE TABLE after (x)") }
        do {
            try migrator.migrate(db)
            Issue.record("a failing migration did not throw")
        } catch let error as MigrationError {
            #expect(error.code == .migrationFailed)
            #expect(error.migration == "bad")
            #expect((error.underlying as? DatabaseError)?.message.contains("missing_table") == true)
            #expect(error.description.contains("migration bad failed"))
        }
        #expect(try migrator.appliedMigrations(db) == ["good"])
        #expect(try tables(db) == ["good", "schema_migrations"])  // no `half`, no `after`
        #expect(!db.isInTransaction)
    }

    @Test func eachMigrationRunsInAnImmediateTransaction() throws {
        let dir = try TempDir()
        let db = try dir.open()
        let other = try Database(path: db.path, options: DatabaseOptions(busyTimeoutMilliseconds: 0))
        var migrator = DatabaseMigrator()
        var sawTransaction = false
        var otherWriterError: DatabaseError?
        migrator.registerMigration("check") { db in
            sawTransaction = db.isInTransaction
            // The write lock is held from BEGIN, before this migration writes anything.
            otherWriterError = expectDatabaseError { try other.execute("BEGIN IMMEDIATE") }
        }
        try migrator.migrate(db)
        #expect(sawTransaction)
        #expect(otherWriterError?.code == .busy)
        #expect(migrator.names == ["check"])
    }
}
