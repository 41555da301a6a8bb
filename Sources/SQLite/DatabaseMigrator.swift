/// Named schema migrations, applied once each, in registration order.
///
/// Invariants of the `schema_migrations` table (one row per applied migration):
/// 1. `name` is the registered name, unique (PRIMARY KEY); `applied_at` is UTC RFC 3339
///    with milliseconds, set by SQLite when the row is inserted.
/// 2. A row is inserted in the same IMMEDIATE transaction as the migration's changes, so a
///    migration is either fully applied and recorded or neither (crash-safe).
/// 3. Rows are never updated or deleted by this type.
/// 4. A row whose name this binary does not know means a newer binary wrote the database:
///    `migrate` refuses to touch it (`MigrationError.Code.databaseIsNewer`).
/// 5. The check for "already applied" happens inside each migration's transaction, so two
///    processes migrating the same file at once apply each migration exactly once.
///
/// A migration runs inside a transaction, where `PRAGMA foreign_keys` cannot change: a
/// migration that rebuilds a table must keep foreign keys valid at every statement, or use
/// `PRAGMA defer_foreign_keys = ON` (checked at COMMIT).
public struct DatabaseMigrator {
    private var migrations: [(name: String, migrate: (Database) throws -> Void)] = []

    public init() {}

    /// The registered migration names, in order.
    public var names: [String] { migrations.map(\.name) }

    /// Registers `migrate` under `name`. Empty or duplicate names are programming errors.
    public mutating func registerMigration(_ name: String, _ migrate: @escaping (Database) throws -> Void) {
        precondition(!name.isEmpty, "migration name must not be empty")
        precondition(!migrations.contains { $0.name == name }, "migration \(name) registered twice")
        migrations.append((name, migrate))
    }

    /// Applies every pending migration, each in its own IMMEDIATE transaction together with
    /// its `schema_migrations` row. Already-applied names are skipped.
    ///
    /// - Throws: `MigrationError` `.databaseIsNewer` (nothing touched) when the database records
    ///   a migration this binary does not know; `.migrationFailed` wrapping the error of a
    ///   migration that threw (that migration rolled back, earlier ones stay applied).
    public func migrate(_ db: Database) throws {
        try refuseUnknown(try appliedMigrations(db))
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        for migration in migrations {
            do {
                try db.inTransaction(.immediate) {
                    let applied = try db.scalar("SELECT 1 FROM schema_migrations WHERE name = ?", [.text(migration.name)], as: Int64.self)
                    guard applied == nil else { return }
                    try migration.migrate(db)
                    try db.execute("""
                        INSERT INTO schema_migrations (name, applied_at)
                        VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                        """, [.text(migration.name)])
                }
            } catch {
                throw MigrationError(code: .migrationFailed, migration: migration.name, underlying: error)
            }
        }
    }

    /// Names recorded in `schema_migrations`, in the order they were applied; empty when the
    /// table does not exist yet.
    public func appliedMigrations(_ db: Database) throws -> [String] {
        let exists = try db.scalar(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'", as: Int64.self)
        guard exists != nil else { return [] }
        return try db.query("SELECT name FROM schema_migrations ORDER BY applied_at, rowid") { try $0.decode(0, as: String.self) }
    }

    private func refuseUnknown(_ applied: [String]) throws {
        let known = Set(migrations.map(\.name))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw MigrationError(code: .databaseIsNewer, migration: unknown, underlying: nil)
        }
    }
}

/// A migration could not be applied.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The database records a migration this binary does not know.
        case databaseIsNewer
        /// A migration threw; it was rolled back.
        case migrationFailed
    }

    public let code: Code
    /// The migration concerned.
    public let migration: String
    /// The error the migration threw (`.migrationFailed` only).
    public let underlying: (any Error)?

    public var description: String {
        switch code {
        case .databaseIsNewer:
            return "database was written by a newer fieldsync (migration \(migration)); upgrade the binary"
        case .migrationFailed:
            return "migration \(migration) failed and was rolled back: \(underlying.map { "\($0)" } ?? "unknown error")"
        }
    }
}
