import CSQLite

/// One SQLite connection (the corresponding C type is `sqlite3`).
///
/// Not `Sendable`: a `Database` is confined to one thread or serial queue at a time (it is
/// opened with `SQLITE_OPEN_NOMUTEX`). Share it through `DatabaseQueue`.
///
/// Opening applies, in order: extended result codes, `busy_timeout`, defensive mode and no
/// double-quoted string literals, `journal_mode=WAL` (verified), `synchronous` and
/// `foreign_keys` (both read back and verified). Closing finalizes cached statements first.
public final class Database {
    /// The file this connection opened.
    public let path: String
    /// The options it was opened with.
    public let options: DatabaseOptions
    /// The connection; nil once closed.
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text; see `cachedStatement`.
    var statementCache: [String: Statement] = [:]
    /// The statements prepared inside `withWritesRefused` (Database+Authorizer.swift, rule 3).
    var guardedStatementCache: [String: Statement] = [:]
    /// The authorizer `withWritesRefused` installed, nil until the first guard.
    var authorizer: AuthorizerContext?
    /// Nesting depth of `inSavepoint`, used to name savepoints.
    var savepointDepth = 0
    /// The last error a `ROLLBACK` raised while another error was being rethrown (that first
    /// error is what callers see; this one is kept so it can be logged). Nil if none.
    public internal(set) var lastRollbackError: DatabaseError?

    /// Opens (and by default creates) the database at `path` and configures it.
    ///
    /// - Throws: `DatabaseError` with `.cantopen` (path in the message) when the file or its
    ///   directory is missing or not accessible, `.notadb` when the file is not a database,
    ///   `.error` when WAL was requested but the file system refused it.
    public init(path: String, options: DatabaseOptions = DatabaseOptions()) throws {
        self.path = path
        self.options = options
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if options.readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0)
        }
        var opened: OpaquePointer?
        let rc = sqlite3_open_v2(path, &opened, flags, nil)
        guard rc == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            // A failed open may still allocate a handle; closing NULL is a no-op.
            _ = sqlite3_close_v2(opened)
            throw Self.openError(ResultCode(rawValue: rc), message, path: path, options: options)
        }
        handle = opened
        do {
            try configure()
        } catch let error as DatabaseError {
            statementCache.removeAll()
            _ = sqlite3_close_v2(opened)  // always SQLITE_OK for a valid handle
            handle = nil
            throw Self.openError(error.extendedCode, error.message, path: path, options: options)
        }
    }

    deinit {
        statementCache.removeAll()
        guardedStatementCache.removeAll()
        // The authorizer's context dies with this object: take it off a connection that
        // statements still held elsewhere may keep alive.
        if let handle, authorizer != nil { _ = sqlite3_set_authorizer(handle, nil, nil) }
        // close_v2 defers the close until statements still held elsewhere are finalized.
        if let handle { _ = sqlite3_close_v2(handle) }
    }

    /// The message for a failure while opening, naming the path and what to check.
    private static func openError(_ code: ResultCode, _ message: String, path: String, options: DatabaseOptions) -> DatabaseError {
        let advice: String?
        switch code {
        case .cantopen, .perm, .readonly, .auth:
            advice = options.readOnly
                ? "check that the file exists and this user may read it and its directory"
                : "check that the directory exists and this user may create and write files in it"
        case .notadb, .corrupt:
            advice = "the file is not a usable SQLite database; restore it from a backup"
        case .busy, .locked:
            advice = "another process holds the database locked; retry once it is done"
        default:
            advice = nil
        }
        let text = "\(message) (opening \(path))" + (advice.map { ": \($0)" } ?? "")
        return DatabaseError(extendedCode: code, message: text, path: path)
    }

    private func configure() throws {
        let connection = try connection()
        _ = sqlite3_extended_result_codes(connection, 1)  // only fails for a NULL handle
        guard options.busyTimeoutMilliseconds >= 0 else {
            throw error(.misuse, "busyTimeoutMilliseconds must be >= 0, got \(options.busyTimeoutMilliseconds)")
        }
        try check(sqlite3_busy_timeout(connection, Int32(clamping: options.busyTimeoutMilliseconds)))
        try check(fs_sqlite3_db_config_int(connection, SQLITE_DBCONFIG_DEFENSIVE, 1, nil))
        try check(fs_sqlite3_db_config_int(connection, SQLITE_DBCONFIG_DQS_DML, 0, nil))
        try check(fs_sqlite3_db_config_int(connection, SQLITE_DBCONFIG_DQS_DDL, 0, nil))
        if options.journalModeWAL && !options.readOnly {
            let mode = try scalar("PRAGMA journal_mode = WAL", as: String.self)
            guard mode?.lowercased() == "wal" else {
                throw error(.error, "journal_mode stayed \(mode ?? "unknown") instead of wal; the file system may not support WAL "
                    + "(shared memory) — keep the database on a local disk")
            }
        }
        try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        try verifyPragma("synchronous", equals: options.synchronous.pragmaValue)
        try execute("PRAGMA foreign_keys = \(options.foreignKeys ? "ON" : "OFF")")
        try verifyPragma("foreign_keys", equals: options.foreignKeys ? 1 : 0)
    }

    private func verifyPragma(_ name: String, equals expected: Int64) throws {
        let actual = try scalar("PRAGMA \(name)", as: Int64.self)
        guard actual == expected else {
            throw error(.error, "PRAGMA \(name) reads back \(actual.map(String.init) ?? "nothing"), expected \(expected)")
        }
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw error(code: rc) }
    }

    /// Closes the connection: finalizes cached statements, then `sqlite3_close_v2`. A
    /// transaction still open is rolled back by SQLite. Statements still held by callers keep
    /// the C connection alive until they are released, but every call on them throws `.misuse`.
    /// Closing twice is a no-op.
    public func close() throws {
        guard let handle else { return }
        statementCache.removeAll()
        guardedStatementCache.removeAll()
        if authorizer != nil { _ = sqlite3_set_authorizer(handle, nil, nil) }  // removing one cannot fail
        let rc = sqlite3_close_v2(handle)
        guard rc == SQLITE_OK else { throw error(code: rc) }
        self.handle = nil
    }

    /// True once `close()` has run.
    public var isClosed: Bool { handle == nil }

    /// The open connection, or a `.misuse` error once closed.
    func connection() throws -> OpaquePointer {
        guard let handle else {
            throw DatabaseError(extendedCode: .misuse, message: "database is closed; open a new Database", path: path)
        }
        return handle
    }

    /// An error for result code `rc` with SQLite's current message for this connection.
    func error(code rc: Int32, sql: String? = nil, arguments: [DatabaseValue]? = nil) -> DatabaseError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return DatabaseError(extendedCode: ResultCode(rawValue: rc), message: message, sql: sql, arguments: arguments, path: path)
    }

    /// An error detected by this wrapper.
    func error(_ code: ResultCode, _ message: String, sql: String? = nil, arguments: [DatabaseValue]? = nil) -> DatabaseError {
        DatabaseError(extendedCode: code, message: message, sql: sql, arguments: arguments, path: path)
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE (the corresponding C function is `sqlite3_changes64`).
    public var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes64(handle))
    }

    /// The rowid of the last successful INSERT on this connection (`sqlite3_last_insert_rowid`).
    public var lastInsertRowID: Int64 {
        guard let handle else { return 0 }
        return sqlite3_last_insert_rowid(handle)
    }

    /// True when a transaction is open (the corresponding C function is `sqlite3_get_autocommit`).
    /// SQLite may end a transaction by itself after `SQLITE_FULL`, `IOERR`, `BUSY` or `NOMEM`.
    public var isInTransaction: Bool {
        guard let handle else { return false }
        return sqlite3_get_autocommit(handle) == 0
    }
}

@available(*, unavailable, message: "a Database is confined to one thread or queue; share it through DatabaseQueue")
extension Database: Sendable {}
