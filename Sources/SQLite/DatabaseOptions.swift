/// `PRAGMA synchronous` levels.
///
/// Related SQLite documentation: <https://www.sqlite.org/pragma.html#pragma_synchronous>
public enum Synchronous: String, Sendable {
    case off = "OFF", normal = "NORMAL", full = "FULL", extra = "EXTRA"

    /// The integer `PRAGMA synchronous` reads back.
    var pragmaValue: Int64 {
        switch self {
        case .off: return 0
        case .normal: return 1
        case .full: return 2
        case .extra: return 3
        }
    }
}

/// How `BEGIN` acquires locks.
///
/// Related SQLite documentation: <https://www.sqlite.org/lang_transaction.html>
public enum TransactionKind: Sendable {
    /// Locks are taken on first read / first write. A deferred transaction that reads and
    /// then writes can fail with `SQLITE_BUSY` that the busy timeout cannot cure.
    case deferred
    /// The write lock is taken at `BEGIN` (waits up to the busy timeout). Use for writes.
    case immediate
    /// Like immediate; in rollback-journal mode also keeps readers out.
    case exclusive

    var sql: String {
        switch self {
        case .deferred: return "BEGIN DEFERRED TRANSACTION"
        case .immediate: return "BEGIN IMMEDIATE TRANSACTION"
        case .exclusive: return "BEGIN EXCLUSIVE TRANSACTION"
        }
    }
}

/// How `Database` opens and configures a connection.
public struct DatabaseOptions: Sendable {
    /// Open with `SQLITE_OPEN_READONLY`; writes fail with `SQLITE_READONLY`.
    public var readOnly: Bool
    /// Create the file if it is missing (ignored when `readOnly`).
    public var create: Bool
    /// Switch to `journal_mode=WAL` and verify it took (ignored when `readOnly`).
    public var journalModeWAL: Bool
    /// `PRAGMA synchronous`; FULL by default because laptops lose power.
    public var synchronous: Synchronous
    /// `PRAGMA foreign_keys`.
    public var foreignKeys: Bool
    /// How long a statement waits for another connection's lock before `SQLITE_BUSY`.
    public var busyTimeoutMilliseconds: Int

    public init(
        readOnly: Bool = false,
        create: Bool = true,
        journalModeWAL: Bool = true,
        synchronous: Synchronous = .full,
        foreignKeys: Bool = true,
        busyTimeoutMilliseconds: Int = 5000
    ) {
        self.readOnly = readOnly
        self.create = create
        self.journalModeWAL = journalModeWAL
        self.synchronous = synchronous
        self.foreignKeys = foreignKeys
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }
}
