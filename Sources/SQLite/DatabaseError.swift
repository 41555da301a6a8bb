/// An error reported by SQLite, or by this wrapper when SQLite is used incorrectly.
///
/// Wrapper-detected errors use SQLite's own codes: `.misuse` for API misuse (wrong argument
/// count, nested transaction, closed database), `.mismatch` for a value of the wrong type,
/// `.abort` for a transaction SQLite already rolled back, `.cantopen` for file problems.
///
/// `description` never prints argument values (they may hold report content), only their
/// count and storage classes.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The primary result code (`extendedCode.primary`).
    public let code: ResultCode
    /// The extended result code, e.g. `.constraintUnique`. Equals `code` when SQLite gave none.
    public let extendedCode: ResultCode
    /// What went wrong: `sqlite3_errmsg`, possibly followed by advice on what to do.
    public let message: String
    /// The SQL being prepared or run, if any.
    public let sql: String?
    /// The bound arguments, if any. Kept for programmatic inspection; never printed.
    public let arguments: [DatabaseValue]?
    /// The database file, if the error comes from a connection.
    public let path: String?

    /// Creates an error; `code` is derived from `extendedCode`.
    public init(
        extendedCode: ResultCode,
        message: String,
        sql: String? = nil,
        arguments: [DatabaseValue]? = nil,
        path: String? = nil
    ) {
        self.code = extendedCode.primary
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.arguments = arguments
        self.path = path
    }

    /// Longest SQL excerpt `description` prints.
    static let maxDescribedSQL = 500

    /// `SQLite error 13 (SQLITE_FULL): database or disk is full — while executing `INSERT …`
    /// with 2 arguments (integer, text) — database /path/to/file.sqlite`.
    public var description: String {
        var text = "SQLite error \(extendedCode.rawValue) (\(extendedCode)): \(message)"
        if let sql {
            let trimmed = sql.trimmingWhitespace()
            let shown = trimmed.count > Self.maxDescribedSQL
                ? String(trimmed.prefix(Self.maxDescribedSQL)) + "…" : trimmed
            text += " — while executing `\(shown)`"
            if let arguments, !arguments.isEmpty {
                let classes = arguments.map(\.storageClass).joined(separator: ", ")
                text += " with \(arguments.count) argument\(arguments.count == 1 ? "" : "s") (\(classes))"
            }
        }
        if let path, !message.contains(path) {
            text += " — database \(path)"
        }
        return text
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace (Foundation-free).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
