import CSQLite

/// One prepared SQL statement (the corresponding C type is `sqlite3_stmt`).
///
/// Owns its handle and finalizes it in `deinit`. Every run binds its arguments first (after
/// resetting and clearing the previous ones) and resets the statement when it ends, even on
/// error, so a statement never keeps a read transaction open between calls.
///
/// Confined like its `Database`, which must outlive it; after `Database.close()` every call
/// throws `.misuse`.
public final class Statement {
    /// The SQL text this statement was prepared from (one statement).
    public let sql: String
    unowned let database: Database
    private let handle: OpaquePointer
    /// True while `execute`/`query` is stepping; the statement cache then hands out a fresh
    /// statement instead of resetting this one under its caller.
    private(set) var isRunning = false

    /// Prepares exactly one statement: empty SQL, SQL containing NUL, and SQL with a second
    /// statement after the first are `.misuse` errors (use `Database.execute` for scripts).
    init(database: Database, sql: String, persistent: Bool) throws {
        let connection = try database.connection()
        guard !sql.utf8.contains(0) else {
            throw database.error(.misuse, "SQL contains a NUL character", sql: sql)
        }
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        var prepared: OpaquePointer?
        var extra: OpaquePointer?
        let rc = sql.withCString { cSQL -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(connection, cSQL, -1, flags, &prepared, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                // Anything after the first statement must be whitespace or comments.
                if sqlite3_prepare_v2(connection, tail, -1, &extra, nil) != SQLITE_OK || extra != nil {
                    return SQLITE_MISUSE
                }
            }
            return rc
        }
        if rc != SQLITE_OK {
            sqlite3_finalize(prepared)
            sqlite3_finalize(extra)
            if rc == SQLITE_MISUSE {
                throw database.error(.misuse, "SQL holds more than one statement; run scripts with Database.execute(_:) without arguments", sql: sql)
            }
            throw database.error(code: rc, sql: sql)
        }
        guard let prepared else {
            throw database.error(.misuse, "SQL holds no statement (empty or only comments)", sql: sql)
        }
        self.sql = sql
        self.database = database
        self.handle = prepared
    }

    /// Wraps a statement prepared by `Database.execute`'s script loop.
    init(database: Database, prepared: OpaquePointer) {
        self.database = database
        self.handle = prepared
        self.sql = sqlite3_sql(prepared).map { String(cString: $0).trimmingWhitespace() } ?? ""
    }

    deinit {
        // Returns the last step's error, which the step already threw.
        sqlite3_finalize(handle)
    }

    /// The number of `?` / `:name` parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// True while the statement is stepping (the corresponding C function is `sqlite3_stmt_busy`).
    public var isActive: Bool { sqlite3_stmt_busy(handle) != 0 }

    /// Resets the statement (`sqlite3_reset`). Its return code repeats the last step's error,
    /// which that step already threw, so it carries no new information.
    func reset() { _ = sqlite3_reset(handle) }

    /// Resets the statement, clears old bindings, and binds `arguments` by position.
    /// A count different from `parameterCount` is a `.misuse` error naming the SQL.
    public func bind(_ arguments: [DatabaseValue]) throws {
        _ = try database.connection()
        reset()
        sqlite3_clear_bindings(handle)
        guard arguments.count == parameterCount else {
            throw database.error(.misuse,
                "statement expects \(parameterCount) argument\(parameterCount == 1 ? "" : "s"), got \(arguments.count)",
                sql: sql, arguments: arguments)
        }
        for (offset, value) in arguments.enumerated() {
            let rc = bindValue(value, at: Int32(offset + 1))
            guard rc == SQLITE_OK else {
                if rc == SQLITE_TOOBIG {
                    throw database.error(.toobig, "argument \(offset + 1) is larger than SQLite accepts", sql: sql, arguments: arguments)
                }
                throw database.error(code: rc, sql: sql, arguments: arguments)
            }
        }
    }

    private func bindValue(_ value: DatabaseValue, at index: Int32) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(handle, index)
        case .integer(let i):
            return sqlite3_bind_int64(handle, index, i)
        case .real(let d):
            return sqlite3_bind_double(handle, index, d)
        case .text(var s):
            return s.withUTF8 { bytes -> Int32 in
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return fs_sqlite3_bind_text_copy(handle, index, "", 0)  // "" not NULL
                }
                guard bytes.count <= Int32.max else { return SQLITE_TOOBIG }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    fs_sqlite3_bind_text_copy(handle, index, $0, Int32(bytes.count))
                }
            }
        case .blob(let b):
            // A NULL pointer would bind NULL: an empty blob is a zero-length zeroblob.
            if b.isEmpty { return sqlite3_bind_zeroblob(handle, index, 0) }
            guard b.count <= Int32.max else { return SQLITE_TOOBIG }
            return b.withUnsafeBytes { fs_sqlite3_bind_blob_copy(handle, index, $0.baseAddress, Int32($0.count)) }
        }
    }

    /// Binds and steps, handing each row's handle to `onRow` until it returns false or the
    /// statement is done; always resets at the end.
    private func run(_ arguments: [DatabaseValue], _ onRow: (OpaquePointer) throws -> Bool) throws {
        guard !isRunning else {
            throw database.error(.misuse, "statement is already running (re-entered from its own query closure); prepare a second statement", sql: sql)
        }
        try bind(arguments)
        isRunning = true
        defer {
            isRunning = false
            reset()
        }
        while true {
            let rc = sqlite3_step(handle)
            switch rc {
            case SQLITE_ROW:
                if try !onRow(handle) { return }
            case SQLITE_DONE:
                return
            default:
                throw database.error(code: rc, sql: sql, arguments: arguments)
            }
        }
    }

    /// Binds `arguments` and steps to `SQLITE_DONE`, skipping any rows.
    public func execute(_ arguments: [DatabaseValue] = []) throws {
        try run(arguments) { _ in true }
    }

    /// Binds `arguments` and maps every row through `body`. The `Row` is valid only inside `body`.
    public func query<T>(_ arguments: [DatabaseValue] = [], _ body: (Row) throws -> T) throws -> [T] {
        var results: [T] = []
        try run(arguments) { stmt in
            results.append(try withRow(stmt, body))
            return true
        }
        return results
    }

    /// Whether `forEachRow` steps on to the next row or stops.
    public enum RowStep: Sendable {
        case next
        case stop
    }

    /// Binds `arguments` and hands each row to `body` as SQLite steps to it, until `body`
    /// returns `.stop` or the rows run out; the statement is reset right after, even on error.
    ///
    /// Nothing is collected: only the current row's values are in memory, and rows after a
    /// `.stop` are never stepped to, so a caller can stop at a budget without reading the rest.
    /// The `Row` is valid only inside `body`.
    public func forEachRow(_ arguments: [DatabaseValue] = [], _ body: (Row) throws -> RowStep) throws {
        try run(arguments) { stmt in
            try withRow(stmt, body) == .next
        }
    }

    /// Binds `arguments` and maps the first row through `body`; nil when there is none.
    /// The statement is reset right after, so no read transaction stays open.
    public func queryFirst<T>(_ arguments: [DatabaseValue] = [], _ body: (Row) throws -> T) throws -> T? {
        var result: T?
        try run(arguments) { stmt in
            result = try withRow(stmt, body)
            return false
        }
        return result
    }

    private func withRow<T>(_ stmt: OpaquePointer, _ body: (Row) throws -> T) throws -> T {
        let row = Row(handle: stmt, sql: sql)
        defer { row.invalidate() }
        return try body(row)
    }
}

@available(*, unavailable, message: "a Statement is confined to its Database's thread or queue")
extension Statement: Sendable {}
