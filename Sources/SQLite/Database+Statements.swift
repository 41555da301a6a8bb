import CSQLite

extension Database {
    /// Beyond this many distinct SQL strings the cache is emptied (SQL built with inlined
    /// values would otherwise grow it without bound).
    static let statementCacheLimit = 512

    /// Runs `sql`.
    ///
    /// Without arguments `sql` may be a script of several statements, run one after another
    /// (prepared one at a time, like `sqlite3_exec`); an error names the failing statement
    /// and its position, and statements before it stay applied unless a transaction
    /// surrounds the call. A statement with parameters in a script is a `.misuse` error.
    /// With arguments `sql` must be one statement; it runs through the statement cache.
    public func execute(_ sql: String, _ arguments: [DatabaseValue] = []) throws {
        if !arguments.isEmpty {
            try cachedStatement(sql).execute(arguments)
            return
        }
        let connection = try connection()
        guard !sql.utf8.contains(0) else {
            throw error(.misuse, "SQL contains a NUL character", sql: sql)
        }
        try sql.withCString { start in
            var cursor = start
            var index = 0
            while cursor.pointee != 0 {
                index += 1
                var prepared: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(connection, cursor, -1, &prepared, &tail)
                guard rc == SQLITE_OK else {
                    sqlite3_finalize(prepared)
                    let failed = error(code: rc, sql: String(cString: cursor).trimmingWhitespace())
                    throw failed.inScript(statement: index)
                }
                let next = tail ?? cursor
                guard let prepared else {
                    // Whitespace, comments or an empty `;`: skip it, stop at the end.
                    guard next != cursor else { break }
                    cursor = next
                    continue
                }
                cursor = next
                do {
                    try Statement(database: self, prepared: prepared).execute([])
                } catch let failed as DatabaseError {
                    throw failed.inScript(statement: index)
                }
            }
        }
    }

    /// A prepared statement from the connection's cache, keyed by SQL text and prepared with
    /// `SQLITE_PREPARE_PERSISTENT`: the same SQL returns the same, reset, statement.
    /// If that statement is running (its query closure asks for the same SQL), a fresh
    /// uncached statement is returned instead so the outer run is not reset under it.
    public func cachedStatement(_ sql: String) throws -> Statement {
        _ = try connection()
        if let cached = statementCache[sql] {
            if cached.isRunning { return try makeStatement(sql) }
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql, persistent: true)
        if statementCache.count >= Self.statementCacheLimit { statementCache.removeAll() }
        statementCache[sql] = statement
        return statement
    }

    /// A new, uncached prepared statement for exactly one SQL statement.
    public func makeStatement(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql, persistent: false)
    }

    /// Maps every row of `sql` through `body` (cached statement). `Row` is valid only in `body`.
    public func query<T>(_ sql: String, _ arguments: [DatabaseValue] = [], _ body: (Row) throws -> T) throws -> [T] {
        try cachedStatement(sql).query(arguments, body)
    }

    /// Maps the first row of `sql` through `body`; nil when there is no row.
    public func queryFirst<T>(_ sql: String, _ arguments: [DatabaseValue] = [], _ body: (Row) throws -> T) throws -> T? {
        try cachedStatement(sql).queryFirst(arguments, body)
    }

    /// The first column of the first row as `T`; nil when there is no row, the value is NULL,
    /// or it does not convert to `T` exactly.
    public func scalar<T: DatabaseValueConvertible>(
        _ sql: String, _ arguments: [DatabaseValue] = [], as type: T.Type = T.self
    ) throws -> T? {
        let first: T?? = try queryFirst(sql, arguments) { $0.value(0, as: T.self) }
        return first ?? nil
    }
}

extension DatabaseError {
    /// The same error, its message saying which statement of a script failed.
    func inScript(statement index: Int) -> DatabaseError {
        DatabaseError(extendedCode: extendedCode, message: "\(message) (statement \(index) of the script)",
                      sql: sql, arguments: arguments, path: path)
    }
}
