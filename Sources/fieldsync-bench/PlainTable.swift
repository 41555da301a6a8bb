import SQLite
import SyncProtocol

/// The baseline the store is measured against: one plain row per op, inserted into a plain
/// table with no index, same `synchronous` setting, same transaction grouping.
final class PlainTable {
    let path: String
    let db: Database

    /// A fresh database in its own scratch directory (`Bench.remove(path)` deletes it).
    init(synchronous: Synchronous) throws {
        path = Bench.scratch("plain.sqlite")
        db = try Database(path: path, options: DatabaseOptions(synchronous: synchronous))
        try db.execute("""
            CREATE TABLE plain(origin BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
                               collection TEXT NOT NULL, entity TEXT NOT NULL, field TEXT, value ANY) STRICT
            """)
    }

    /// Inserts each group of `groups` in one transaction, one row per op.
    func insert(_ groups: [[Op]]) throws {
        for group in groups {
            try db.inTransaction(.immediate) {
                let insert = try db.cachedStatement("INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?)")
                for op in group {
                    var field: DatabaseValue = .null, value: DatabaseValue = .null
                    switch op.action {
                    case .set(let f, let v, _, _): field = .text(f); value = Self.plainValue(v)
                    case .add(let f, let v), .remove(let f, let v, _): field = .text(f); value = Self.plainValue(v)
                    case .exist(let cl): value = .integer(Int64(cl))
                    }
                    try insert.execute([.blob(op.origin.bytes), .integer(Int64(op.seq)), .integer(Int64(op.hlc.rawValue)),
                                        .text(op.collection), .text(op.entity), field, value])
                }
            }
        }
    }

    /// Empties the table (between best-of runs), outside any timing.
    func reset() throws {
        try db.execute("DELETE FROM plain")
    }

    static func plainValue(_ v: Value) -> DatabaseValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .integer(b ? 1 : 0)
        case .int(let i): return .integer(i)
        case .double(let d): return .real(d)
        case .string(let s): return .text(s)
        case .bytes(let b): return .blob(b)
        case .sealed(let s): return .blob(s.ciphertext)
        }
    }
}
