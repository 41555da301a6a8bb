import SQLite
import SyncProtocol

/// Applies one op to the state tables: the merge rules of Protocols/sync-v1.md, written against
/// SQLite. Every replica runs this same code for its own ops and for ops from peers: it is the
/// single write path. It assumes the caller has already stored the op in `ops` (merged = 1)
/// inside the current transaction; it never commits.
///
/// Order independence (see Schema invariants 3–5): the winner of a register is a maximum, heads
/// are "ops minus the superseded set", set membership is "add tags minus removed tags" and the
/// causal length is a maximum — each is a function of the set of ops, whatever the arrival order.
struct Merger {
    let db: Database

    func merge(_ op: Op) throws {
        try touchEntity(op)
        switch op.action {
        case .exist(let causalLength):
            try db.cachedStatement("""
                UPDATE entities SET causal_length = max(causal_length, ?3)
                WHERE collection = ?1 AND entity = ?2
                """).execute([.text(op.collection), .text(op.entity), causalLength.databaseValue])
            if causalLength == 1 {
                try db.cachedStatement("""
                    UPDATE entities SET owner = ?3 WHERE collection = ?1 AND entity = ?2 AND owner IS NULL
                    """).execute([.text(op.collection), .text(op.entity), op.origin.databaseValue])
            }
        case .set(let field, let value, let rank, let supersedes):
            try mergeSet(op, field: field, value: value, rank: rank, supersedes: supersedes)
        case .add(let field, let element):
            let (etype, evalue) = element.storage
            let removed = try db.cachedStatement("""
                SELECT 1 FROM set_removed WHERE collection = ?1 AND entity = ?2 AND field = ?3
                AND etype = ?4 AND element = ?5 AND origin = ?6 AND seq = ?7
                """).queryFirst([.text(op.collection), .text(op.entity), .text(field), .integer(etype), evalue,
                                 op.origin.databaseValue, op.seq.databaseValue]) { _ in true } ?? false
            if !removed {
                try db.cachedStatement("""
                    INSERT OR IGNORE INTO set_adds(collection, entity, field, etype, element, origin, seq)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """).execute([.text(op.collection), .text(op.entity), .text(field), .integer(etype), evalue,
                                  op.origin.databaseValue, op.seq.databaseValue])
            }
        case .remove(let field, let element, let tags):
            let (etype, evalue) = element.storage
            for tag in tags {
                let args: [DatabaseValue] = [.text(op.collection), .text(op.entity), .text(field), .integer(etype), evalue,
                                             tag.origin.databaseValue, tag.seq.databaseValue]
                try db.cachedStatement("""
                    INSERT OR IGNORE INTO set_removed(collection, entity, field, etype, element, origin, seq)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """).execute(args)
                try db.cachedStatement("""
                    DELETE FROM set_adds WHERE collection = ?1 AND entity = ?2 AND field = ?3
                    AND etype = ?4 AND element = ?5 AND origin = ?6 AND seq = ?7
                    """).execute(args)
            }
        }
    }

    /// Creates the entity row on first sight and widens its hlc span.
    private func touchEntity(_ op: Op) throws {
        try db.cachedStatement("""
            INSERT INTO entities(collection, entity, causal_length, owner, first_hlc, last_hlc)
            VALUES (?1, ?2, 0, NULL, ?3, ?3)
            ON CONFLICT(collection, entity) DO UPDATE SET
                first_hlc = min(first_hlc, excluded.first_hlc),
                last_hlc = max(last_hlc, excluded.last_hlc)
            """).execute([.text(op.collection), .text(op.entity), op.hlc.databaseValue])
    }

    private func mergeSet(_ op: Op, field: String, value: Value, rank: UInt32, supersedes: [OpID]) throws {
        let key: [DatabaseValue] = [.text(op.collection), .text(op.entity), .text(field)]
        for old in supersedes {
            let args = key + [old.origin.databaseValue, old.seq.databaseValue]
            try db.cachedStatement("""
                INSERT OR IGNORE INTO superseded(collection, entity, field, origin, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                """).execute(args)
            try db.cachedStatement("""
                DELETE FROM conflicts WHERE collection = ?1 AND entity = ?2 AND field = ?3 AND origin = ?4 AND seq = ?5
                """).execute(args)
        }
        let incoming = RegisterKey(rank: rank, hlc: op.hlc, origin: op.origin, seq: op.seq)
        let current = try db.cachedStatement("""
            SELECT rank, hlc, origin, seq, vtype, value FROM registers
            WHERE collection = ?1 AND entity = ?2 AND field = ?3
            """).queryFirst(key) { row -> (RegisterKey, Int64, DatabaseValue)? in
                guard let origin = row.nodeID(2), let hlc = row.uint64(1), let seq = row.uint64(3),
                      let r = row.int64(0), let vtype = row.int64(4) else { return nil }
                return (RegisterKey(rank: UInt32(truncatingIfNeeded: r), hlc: HLC(rawValue: hlc), origin: origin, seq: seq),
                        vtype, row[5])
            } ?? nil
        let (vtype, stored) = value.storage
        if let (winner, _, _) = current, !(winner < incoming) {
            // The incoming op loses: it stays visible as a conflict unless someone overwrote it.
            if try !isSuperseded(key, op.origin, op.seq) {
                try insertConflict(key, origin: op.origin, seq: op.seq, vtype: vtype, value: stored, rank: rank, hlc: op.hlc)
            }
            return
        }
        if let (winner, wtype, wvalue) = current, try !isSuperseded(key, winner.origin, winner.seq) {
            // The displaced winner was concurrent with the incoming op: keep it as a conflict.
            try insertConflict(key, origin: winner.origin, seq: winner.seq, vtype: wtype, value: wvalue,
                               rank: winner.rank, hlc: winner.hlc)
        }
        try db.cachedStatement("""
            INSERT INTO registers(collection, entity, field, vtype, value, rank, hlc, origin, seq)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT(collection, entity, field) DO UPDATE SET
                vtype = excluded.vtype, value = excluded.value, rank = excluded.rank,
                hlc = excluded.hlc, origin = excluded.origin, seq = excluded.seq
            """).execute(key + [.integer(vtype), stored, .integer(Int64(rank)), op.hlc.databaseValue,
                                op.origin.databaseValue, op.seq.databaseValue])
    }

    private func isSuperseded(_ key: [DatabaseValue], _ origin: NodeID, _ seq: UInt64) throws -> Bool {
        try db.cachedStatement("""
            SELECT 1 FROM superseded WHERE collection = ?1 AND entity = ?2 AND field = ?3 AND origin = ?4 AND seq = ?5
            """).queryFirst(key + [origin.databaseValue, seq.databaseValue]) { _ in true } ?? false
    }

    private func insertConflict(_ key: [DatabaseValue], origin: NodeID, seq: UInt64, vtype: Int64,
                                value: DatabaseValue, rank: UInt32, hlc: HLC) throws {
        try db.cachedStatement("""
            INSERT OR IGNORE INTO conflicts(collection, entity, field, origin, seq, vtype, value, rank, hlc)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """).execute(key + [origin.databaseValue, seq.databaseValue, .integer(vtype), value,
                                .integer(Int64(rank)), hlc.databaseValue])
    }
}

/// The total order of a register's writes: (rank, hlc, origin, seq).
struct RegisterKey: Comparable {
    let rank: UInt32
    let hlc: HLC
    let origin: NodeID
    let seq: UInt64

    static func < (a: RegisterKey, b: RegisterKey) -> Bool {
        if a.rank != b.rank { return a.rank < b.rank }
        if a.hlc != b.hlc { return a.hlc < b.hlc }
        if a.origin != b.origin { return a.origin < b.origin }
        return a.seq < b.seq
    }
}
