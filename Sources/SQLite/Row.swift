import CSQLite

/// The current row of a query, read straight from the statement.
///
/// Valid only inside the closure it is passed to: using it afterwards (or keeping it for
/// the next row) is a programming error and stops the process. Copy values out instead.
/// Column indexes are 0-based; an index outside `0..<count` is a programming error too.
public final class Row {
    /// The statement handle while the row is valid; nil afterwards.
    private var handle: OpaquePointer?
    private let sql: String

    /// The number of columns.
    public let count: Int

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
        self.count = Int(sqlite3_column_count(handle))
    }

    /// Ends the row's validity (called when the closure returns).
    func invalidate() { handle = nil }

    private func checked(_ index: Int) -> OpaquePointer {
        guard let handle else {
            preconditionFailure("Row used outside its query closure (SQL: \(sql)); copy values out inside the closure")
        }
        precondition(index >= 0 && index < count, "column \(index) out of range 0..<\(count) in `\(sql)`")
        return handle
    }

    /// The value of column `index` (the corresponding C functions are `sqlite3_column_*`).
    public subscript(_ index: Int) -> DatabaseValue {
        let stmt = checked(index)
        let column = Int32(index)
        switch sqlite3_column_type(stmt, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(stmt, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(stmt, column))
        case SQLITE_TEXT:
            // Ask for the bytes after the pointer: the conversion may move them.
            let pointer = sqlite3_column_text(stmt, column)
            let length = Int(sqlite3_column_bytes(stmt, column))
            guard let pointer, length > 0 else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let pointer = sqlite3_column_blob(stmt, column)
            let length = Int(sqlite3_column_bytes(stmt, column))
            guard let pointer, length > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
        default:
            return .null
        }
    }

    /// The name SQLite gives column `index` (its `AS` alias if any).
    public func name(_ index: Int) -> String {
        let stmt = checked(index)
        guard let name = sqlite3_column_name(stmt, Int32(index)) else { return "" }
        return String(cString: name)
    }

    /// Column `index` converted to `T`; nil for NULL or a value `T` does not represent exactly.
    public func value<T: DatabaseValueConvertible>(_ index: Int, as type: T.Type = T.self) -> T? {
        T.fromDatabaseValue(self[index])
    }

    /// Column `index` converted to `T`, or a `.mismatch` error naming the column, the stored
    /// storage class and the SQL. Use for columns that must not be NULL.
    public func decode<T: DatabaseValueConvertible>(_ index: Int, as type: T.Type = T.self) throws -> T {
        let value = self[index]
        if let converted = T.fromDatabaseValue(value) { return converted }
        throw DatabaseError(
            extendedCode: .mismatch,
            message: "column \(index) (\(name(index))) holds \(value.storageClass), which does not convert to \(T.self); "
                + "check the schema or read it as an optional",
            sql: sql)
    }

    public func int64(_ index: Int) -> Int64? { value(index) }
    public func int(_ index: Int) -> Int? { value(index) }
    public func double(_ index: Int) -> Double? { value(index) }
    public func string(_ index: Int) -> String? { value(index) }
    public func blob(_ index: Int) -> [UInt8]? { value(index) }
    public func bool(_ index: Int) -> Bool? { value(index) }
}

@available(*, unavailable, message: "a Row belongs to its statement's thread and closure")
extension Row: Sendable {}
