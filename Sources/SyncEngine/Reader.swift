import SQLite
import SyncProtocol

/// Reads merged state. Used inside write transactions (sees their writes) and by `Store.read`.
struct Reader {
    let db: Database

    func causalLength(_ collection: String, _ entity: String) throws -> UInt64 {
        try db.cachedStatement("SELECT causal_length FROM entities WHERE collection = ? AND entity = ?")
            .queryFirst([.text(collection), .text(entity)]) { $0.uint64(0) ?? 0 } ?? 0
    }

    /// The register's visible writes: winner first, then conflicts.
    func heads(_ collection: String, _ entity: String, _ field: String) throws -> [FieldWrite] {
        let key: [DatabaseValue] = [.text(collection), .text(entity), .text(field)]
        var out: [FieldWrite] = []
        if let winner = try db.cachedStatement("""
            SELECT origin, seq, vtype, value, rank, hlc FROM registers WHERE entity_id = (SELECT id FROM entities WHERE collection = ?1 AND entity = ?2) AND field = ?3
            """).queryFirst(key, { Self.write($0) }) ?? nil {
            out.append(winner)
        }
        out += try db.cachedStatement("""
            SELECT origin, seq, vtype, value, rank, hlc FROM conflicts WHERE entity_id = (SELECT id FROM entities WHERE collection = ?1 AND entity = ?2) AND field = ?3
            ORDER BY rank DESC, hlc DESC, origin DESC, seq DESC
            """).query(key, { Self.write($0) }).compactMap { $0 }
        return out
    }

    /// The add tags under which `element` is present in a set field.
    func tags(_ collection: String, _ entity: String, _ field: String, _ element: Value) throws -> [OpID] {
        let (etype, evalue) = element.storage
        return try db.cachedStatement("""
            SELECT origin, seq FROM set_adds WHERE entity_id = (SELECT id FROM entities WHERE collection = ?1 AND entity = ?2) AND field = ?3 AND etype = ?4 AND element = ?5
            ORDER BY origin, seq
            """).query([.text(collection), .text(entity), .text(field), .integer(etype), evalue]) { row -> OpID? in
                guard let o = row.nodeID(0), let s = row.uint64(1) else { return nil }
                return OpID(origin: o, seq: s)
            }.compactMap { $0 }
    }

    /// Decodes `origin, seq, vtype, value, rank, hlc` starting at column `b`.
    static func write(_ row: Row, at b: Int = 0) -> FieldWrite? {
        guard let origin = row.nodeID(b), let seq = row.uint64(b + 1), let vtype = row.int64(b + 2),
              let value = Value(vtype: vtype, value: row[b + 3]), let rank = row.int64(b + 4),
              let hlc = row.uint64(b + 5) else { return nil }
        return FieldWrite(id: OpID(origin: origin, seq: seq), value: value, rank: UInt32(truncatingIfNeeded: rank), hlc: HLC(rawValue: hlc))
    }

    func document(_ collection: String, _ entity: String) throws -> Document? {
        try documents(collection, entity: entity).first
    }

    /// All entities of a collection (or one), assembled from three ordered scans.
    func documents(_ collection: String, entity: String? = nil) throws -> [Document] {
        let filter = entity == nil ? "" : " AND e.entity = ?2"
        var args: [DatabaseValue] = [.text(collection)]
        if let entity { args.append(.text(entity)) }
        var fields: [String: [String: FieldWrite]] = [:]
        _ = try db.cachedStatement("""
            SELECT e.entity, r.field, r.origin, r.seq, r.vtype, r.value, r.rank, r.hlc
            FROM registers r JOIN entities e ON e.id = r.entity_id WHERE e.collection = ?1\(filter)
            """).query(args) { row in
                guard let e = row.string(0), let f = row.string(1),
                      let w = Self.write(row, at: 2) else { return }
                fields[e, default: [:]][f] = w
            }
        var conflicts: [String: [String: [FieldWrite]]] = [:]
        _ = try db.cachedStatement("""
            SELECT e.entity, c.field, c.origin, c.seq, c.vtype, c.value, c.rank, c.hlc
            FROM conflicts c JOIN entities e ON e.id = c.entity_id WHERE e.collection = ?1\(filter)
            ORDER BY e.entity, c.field, c.rank DESC, c.hlc DESC, c.origin DESC, c.seq DESC
            """).query(args) { row in
                guard let e = row.string(0), let f = row.string(1),
                      let w = Self.write(row, at: 2) else { return }
                conflicts[e, default: [:]][f, default: []].append(w)
            }
        var sets: [String: [String: [Value]]] = [:]
        _ = try db.cachedStatement("""
            SELECT DISTINCT e.entity, s.field, s.etype, s.element
            FROM set_adds s JOIN entities e ON e.id = s.entity_id WHERE e.collection = ?1\(filter)
            ORDER BY e.entity, s.field, s.etype, s.element
            """).query(args) { row in
                guard let e = row.string(0), let f = row.string(1), let t = row.int64(2),
                      let v = Value(vtype: t, value: row[3]) else { return }
                sets[e, default: [:]][f, default: []].append(v)
            }
        return try db.cachedStatement("""
            SELECT e.entity, e.causal_length, e.owner, e.first_hlc, e.last_hlc FROM entities e WHERE e.collection = ?1\(filter)
            ORDER BY e.first_hlc, e.entity
            """).query(args) { row -> Document in
                let e = row.string(0) ?? ""
                var states: [String: FieldState] = [:]
                for (f, w) in fields[e] ?? [:] {
                    states[f] = FieldState(winner: w, conflicts: conflicts[e]?[f] ?? [])
                }
                return Document(collection: collection, entity: e, causalLength: row.uint64(1) ?? 0,
                                owner: row.nodeID(2), firstHLC: HLC(rawValue: row.uint64(3) ?? 0),
                                lastHLC: HLC(rawValue: row.uint64(4) ?? 0), fields: states, sets: sets[e] ?? [:])
            }
    }

    func entity(collection: String, ref: String) throws -> String? {
        try db.cachedStatement("""
            SELECT e.entity FROM registers r JOIN entities e ON e.id = r.entity_id
            WHERE r.field = 'ref' AND r.value = ?2 AND e.collection = ?1
            """).queryFirst([.text(collection), .text(ref)]) { $0.string(0) } ?? nil
    }
}
