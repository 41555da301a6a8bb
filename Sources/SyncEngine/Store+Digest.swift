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

extension Store {
    /// The canonical state bytes of Protocols/sync-v1.md §9.6, computed from the merged tables.
    /// Equal to `MemoryReplica.canonicalState()` over the same merged ops: the engine is checked
    /// against the reference implementation with it.
    public func canonicalState() throws -> [UInt8] {
        try onQueue { db in
            var out = Array("FSSTATE1".utf8)
            func uvarint(_ v: UInt64) {
                var v = v
                while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
                out.append(UInt8(v))
            }
            func name(_ s: String) { uvarint(UInt64(s.utf8.count)); out += Array(s.utf8) }
            func entry(_ w: FieldWrite) {
                out += w.id.origin.bytes
                uvarint(w.id.seq)
                out += ValueCodec.encode(w.value)
            }
            let entities = try db.query("SELECT id, collection, entity, causal_length FROM entities ORDER BY collection, entity") {
                ($0.int64(0) ?? 0, $0.string(1) ?? "", $0.string(2) ?? "", $0.uint64(3) ?? 0)
            }
            for (id, collection, entity, causalLength) in entities {
                out.append(0x45)
                name(collection)
                name(entity)
                uvarint(causalLength)
                let winners = try db.cachedStatement("""
                    SELECT field, origin, seq, vtype, value, rank, hlc FROM registers WHERE entity_id = ? ORDER BY field
                    """).query([.integer(id)]) { ($0.string(0) ?? "", Reader.write($0, at: 1)) }
                for (field, winner) in winners {
                    guard let winner else { throw StoreError(.database, "unreadable register \(collection)/\(entity).\(field)") }
                    let conflicts = try db.cachedStatement("""
                        SELECT origin, seq, vtype, value, rank, hlc FROM conflicts WHERE entity_id = ?1 AND field = ?2
                        ORDER BY rank DESC, hlc DESC, origin DESC, seq DESC
                        """).query([.integer(id), .text(field)]) { Reader.write($0) }.compactMap { $0 }
                    out.append(0x52)
                    name(field)
                    entry(winner)
                    uvarint(UInt64(conflicts.count))
                    conflicts.forEach(entry)
                }
                let elements = try db.cachedStatement("""
                    SELECT DISTINCT field, etype, element FROM set_adds WHERE entity_id = ? ORDER BY field
                    """).query([.integer(id)]) { row -> (String, [UInt8]) in
                        (row.string(0) ?? "", Value(vtype: row.int64(1) ?? -1, value: row[2]).map(ValueCodec.encode) ?? [])
                    }
                var byField: [(String, [[UInt8]])] = []
                for (field, encoded) in elements {
                    if byField.last?.0 == field { byField[byField.count - 1].1.append(encoded) } else { byField.append((field, [encoded])) }
                }
                for (field, values) in byField {
                    out.append(0x53)
                    name(field)
                    uvarint(UInt64(values.count))
                    for v in values.sorted(by: { $0.lexicographicallyPrecedes($1) }) { out += v }
                }
            }
            return out
        }
    }
}
