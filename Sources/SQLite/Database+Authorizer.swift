import CSQLite

/// Statements that write given tables refused at prepare time, for code that may write only
/// its own tables (the corresponding C function is `sqlite3_set_authorizer`).
///
/// Rules:
/// 1. While `body` runs, preparing a statement that inserts into, updates, deletes from, drops,
///    alters or indexes a protected table of the `main` schema fails with `SQLITE_AUTH` ("not
///    authorized"); reading them is allowed. Creating any trigger is refused too: a trigger's
///    body runs later, outside the guard, and could write a protected table.
/// 2. The statement cache is emptied on entry and on exit, so no statement prepared outside the
///    guard (an engine statement with the same SQL text) is reused inside it, and none prepared
///    inside it outlives it.
/// 3. Guards do not nest: one authorizer per connection (SQLite's rule). A guard inside a guard
///    is a `.misuse` error.
extension Database {
    public func withWritesRefused<T>(to tables: Set<String>, _ body: () throws -> T) throws -> T {
        let connection = try connection()
        guard authorizerContext == nil else { throw error(.misuse, "withWritesRefused does not nest") }
        let context = Unmanaged.passRetained(AuthorizerContext(tables: tables))
        statementCache.removeAll()
        let rc = sqlite3_set_authorizer(connection, authorize, context.toOpaque())
        guard rc == SQLITE_OK else {
            context.release()
            throw error(code: rc)
        }
        authorizerContext = context.toOpaque()
        defer {
            _ = sqlite3_set_authorizer(connection, nil, nil)  // removing an authorizer cannot fail
            statementCache.removeAll()
            authorizerContext = nil
            context.release()
        }
        return try body()
    }
}

/// What the C callback reads: the protected table names (lower case), fixed for the guard.
final class AuthorizerContext {
    let tables: Set<String>
    init(tables: Set<String>) { self.tables = Set(tables.map { $0.lowercased() }) }
}

/// The authorizer: denies rule 1's actions on protected tables of `main`, allows the rest.
private func authorize(_ context: UnsafeMutableRawPointer?, _ action: Int32, _ a: UnsafePointer<CChar>?,
                       _ b: UnsafePointer<CChar>?, _ schema: UnsafePointer<CChar>?, _ trigger: UnsafePointer<CChar>?) -> Int32 {
    guard let context else { return SQLITE_OK }
    let guarded = Unmanaged<AuthorizerContext>.fromOpaque(context).takeUnretainedValue()
    func name(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0).lowercased() } }
    if action == SQLITE_CREATE_TRIGGER || action == SQLITE_CREATE_TEMP_TRIGGER { return SQLITE_DENY }
    let table: String?
    switch action {
    case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE, SQLITE_DROP_TABLE: table = name(a)
    case SQLITE_ALTER_TABLE, SQLITE_CREATE_INDEX, SQLITE_DROP_INDEX, SQLITE_CREATE_TRIGGER, SQLITE_DROP_TRIGGER: table = name(b)
    default: return SQLITE_OK
    }
    let db = name(schema) ?? "main"
    // ALTER TABLE passes the schema as its first argument.
    let inMain = action == SQLITE_ALTER_TABLE ? (name(a) ?? "main") == "main" : db == "main"
    guard let table, inMain, guarded.tables.contains(table) else { return SQLITE_OK }
    return SQLITE_DENY
}
