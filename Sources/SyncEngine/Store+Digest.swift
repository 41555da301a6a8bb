import SQLite
import SyncProtocol

extension Store {
    /// A canonical text listing of merged state — entities, register winners, conflicts and set
    /// elements — one line per fact, sorted. Two replicas that have merged the same ops produce
    /// identical listings; tests compare them, and `entities` restricts it to the given entities
    /// ("collection/entity") when comparing a node's partial view with the hub's.
    public func stateListing(entities: Set<String>? = nil) throws -> [String] {
        try onQueue { db in
            var lines: [String] = []
            func keep(_ c: String, _ e: String) -> Bool { entities?.contains(c + "/" + e) ?? true }
            _ = try db.query("SELECT collection, entity, causal_length FROM entities WHERE causal_length > 0") { row in
                let c = row.string(0) ?? "", e = row.string(1) ?? ""
                if keep(c, e) { lines.append("E \(c)/\(e) cl=\(row.int64(2) ?? 0)") }
            }
            for table in ["registers", "conflicts"] {
                _ = try db.query("SELECT e.collection, e.entity, t.field, t.origin, t.seq, t.vtype, t.value, t.rank, t.hlc FROM \(table) t JOIN entities e ON e.id = t.entity_id") { row in
                    let c = row.string(0) ?? "", e = row.string(1) ?? ""
                    guard keep(c, e) else { return }
                    let origin = row.nodeID(3)?.hex ?? "?"
                    let value = Value(vtype: row.int64(5) ?? -1, value: row[6]).map { "\($0)" } ?? "?"
                    lines.append("\(table == "registers" ? "W" : "C") \(c)/\(e).\(row.string(2) ?? "") \(origin)/\(row.int64(4) ?? 0) r=\(row.int64(7) ?? 0) h=\(row.int64(8) ?? 0) \(value)")
                }
            }
            _ = try db.query("SELECT DISTINCT e.collection, e.entity, s.field, s.etype, s.element FROM set_adds s JOIN entities e ON e.id = s.entity_id") { row in
                let c = row.string(0) ?? "", e = row.string(1) ?? ""
                guard keep(c, e) else { return }
                let value = Value(vtype: row.int64(3) ?? -1, value: row[4]).map { "\($0)" } ?? "?"
                lines.append("S \(c)/\(e).\(row.string(2) ?? "") \(value)")
            }
            return lines.sorted()
        }
    }

    /// "collection/entity" of every entity this replica knows.
    public func entityKeys() throws -> Set<String> {
        try onQueue { db in
            Set(try db.query("SELECT collection, entity FROM entities") { "\($0.string(0) ?? "")/\($0.string(1) ?? "")" })
        }
    }
}
