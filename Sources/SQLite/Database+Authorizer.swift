import CSQLite

/// Statements that write given tables refused at prepare time, for code that may write only
/// its own tables (the corresponding C function is `sqlite3_set_authorizer`).
///
/// Rules:
/// 1. While `body` runs, preparing a statement that inserts into, updates, deletes from, drops,
///    alters or indexes a protected table of the `main` schema fails with `SQLITE_AUTH` ("not
///    authorized"); reading them is allowed. Creating any trigger is refused too: a trigger's
///    body runs later, outside the guard, and could write a protected table.
/// 2. The authorizer is installed once per connection and only switched on and off, because
///    installing one expires every prepared statement of the connection: the guard costs the
///    engine's cached statements nothing, however often it is entered (`Store.local` runs on
///    every request the hub authenticates).
/// 3. Inside the guard, statements come from a cache of their own: no statement prepared
///    outside it (an engine statement with the same SQL text, never checked) is reused inside,
///    and every statement in that cache was prepared, so checked, with the guard on.
/// 4. Guards do not nest, and one connection protects one set of tables: a guard inside a
///    guard, or over other tables than the first one's, is a `.misuse` error.
extension Database {
    public func withWritesRefused<T>(to tables: Set<String>, _ body: () throws -> T) throws -> T {
        let connection = try connection()
        let context: AuthorizerContext
        if let installed = authorizer {
            guard !installed.enabled else { throw error(.misuse, "withWritesRefused does not nest") }
            guard installed.tables == Set(tables.map { $0.lowercased() }) else {
                throw error(.misuse, "withWritesRefused protects one set of tables per connection")
            }
            context = installed
        } else {
            context = AuthorizerContext(tables: tables)
            let rc = sqlite3_set_authorizer(connection, authorize, Unmanaged.passUnretained(context).toOpaque())
            guard rc == SQLITE_OK else { throw error(code: rc) }
            authorizer = context  // kept alive by the connection for as long as it is installed
        }
        context.enabled = true
        swap(&statementCache, &guardedStatementCache)
        defer {
            swap(&statementCache, &guardedStatementCache)
            context.enabled = false
        }
        return try body()
    }
}

/// What the C callback reads: the protected table names (lower case) and whether the guard is on.
/// Only touched on the connection's own thread (a `Database` is used by one queue at a time).
final class AuthorizerContext {
    let tables: Set<String>
    var enabled = false
    init(tables: Set<String>) { self.tables = Set(tables.map { $0.lowercased() }) }
}

/// The authorizer: while the guard is on, denies rule 1's actions; otherwise allows everything.
private func authorize(_ context: UnsafeMutableRawPointer?, _ action: Int32, _ a: UnsafePointer<CChar>?,
                       _ b: UnsafePointer<CChar>?, _ schema: UnsafePointer<CChar>?, _ trigger: UnsafePointer<CChar>?) -> Int32 {
    guard let context else { return SQLITE_OK }
    let guarded = Unmanaged<AuthorizerContext>.fromOpaque(context).takeUnretainedValue()
    guard guarded.enabled else { return SQLITE_OK }
    if action == SQLITE_CREATE_TRIGGER || action == SQLITE_CREATE_TEMP_TRIGGER { return SQLITE_DENY }
    func name(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0).lowercased() } }
    let table: String?
    switch action {
    case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE, SQLITE_DROP_TABLE: table = name(a)
    case SQLITE_ALTER_TABLE, SQLITE_CREATE_INDEX, SQLITE_DROP_INDEX, SQLITE_DROP_TRIGGER: table = name(b)
    default: return SQLITE_OK
    }
    // ALTER TABLE passes the schema as its first argument.
    let inMain = action == SQLITE_ALTER_TABLE ? (name(a) ?? "main") == "main" : (name(schema) ?? "main") == "main"
    guard let table, inMain, guarded.tables.contains(table) else { return SQLITE_OK }
    return SQLITE_DENY
}
