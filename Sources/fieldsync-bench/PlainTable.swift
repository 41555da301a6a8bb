import SQLite
import SyncProtocol

/// The baselines the store is measured against, same `synchronous` setting, same transaction
/// grouping: `plain`, one row per op in a table with no key; `keyed` (issue 15's fair floor),
/// what any idempotent op store must at least write — the op log keyed by (origin, seq) and one
/// state row per (entity, field) — with no merge logic.
final class PlainTable {
    let path: String
    let db: Database
    let keyed: Bool

    /// A fresh database in its own scratch directory (`Bench.remove(path)` deletes it).
    init(synchronous: Synchronous, keyed: Bool = false) throws {
        path = Bench.scratch(keyed ? "keyed.sqlite" : "plain.sqlite")
        self.keyed = keyed
        db = try Database(path: path, options: DatabaseOptions(synchronous: synchronous))
        try db.execute("""
            CREATE TABLE plain(origin BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
                               collection TEXT NOT NULL, entity TEXT NOT NULL, field TEXT, value ANY) STRICT
            """)
        if keyed {
            try db.execute("""
                CREATE TABLE oplog(origin BLOB NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (origin, seq)) STRICT, WITHOUT ROWID;
                CREATE TABLE state(entity TEXT NOT NULL, field TEXT NOT NULL, value ANY, PRIMARY KEY (entity, field)) STRICT, WITHOUT ROWID;
                """)
        }
    }

    /// Inserts each group of `groups` in one transaction, one row per op.
    func insert(_ groups: [[Op]]) throws {
        if keyed { return try insertKeyed(groups) }
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

    /// The fair floor: each op's bytes into the keyed log, its field's value into the state row.
    private func insertKeyed(_ groups: [[Op]]) throws {
        for group in groups {
            try db.inTransaction(.immediate) {
                let log = try db.cachedStatement("INSERT INTO oplog VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                let state = try db.cachedStatement("INSERT INTO state VALUES (?, ?, ?) ON CONFLICT(entity, field) DO UPDATE SET value = excluded.value")
                for op in group {
                    try log.execute([.blob(op.origin.bytes), .integer(Int64(op.seq)), .blob(OpCodec.encode(op))])
                    var field = "", value: DatabaseValue = .null
                    switch op.action {
                    case .set(let f, let v, _, _): field = f; value = Self.plainValue(v)
                    case .add(let f, let v), .remove(let f, let v, _): field = f; value = Self.plainValue(v)
                    case .exist(let cl): value = .integer(Int64(cl))
                    }
                    try state.execute([.text(op.entity), .text(field), value])
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
