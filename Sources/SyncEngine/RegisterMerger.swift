import SQLite
import SyncProtocol

/// Merges set ops into the register tables (Protocols/sync-v1.md §9.3, Schema invariant 3).
///
/// A set op Y *overrides* X when both write the same register, Y lists X in `supersedes` and
/// Y.rank ≥ X.rank. `superseded` keeps, per register and listed id, the highest rank that lists
/// it, so "is X overridden?" is one lookup whichever of X and Y arrived first. The heads (set
/// ops nobody overrides) are exactly `registers` (the highest, in register order) plus
/// `conflicts` (the others); a register whose every op is overridden has no row at all.
///
/// Order independence: the heads are "set ops minus the overridden ones" and the winner is
/// their maximum, both functions of the set of ops. Merging Y (1) records its supersedes and
/// removes the heads it overrides — promoting the best remaining conflict if that took the
/// winner — then (2) places Y among the heads unless something already held overrides it.
struct RegisterMerger {
    let db: Database
    private let recordSuperseded: Statement
    private let selectOverride: Statement
    private let selectRegister: Statement
    private let insertRegister: Statement
    private let updateRegister: Statement
    private let deleteRegister: Statement
    private let insertConflict: Statement
    private let deleteOverriddenConflict: Statement
    private let selectConflicts: Statement
    private let deleteConflict: Statement

    init(db: Database) throws {
        self.db = db
        recordSuperseded = try db.cachedStatement("""
            INSERT INTO superseded(entity_id, field, origin, seq, rank) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(entity_id, field, origin, seq) DO UPDATE SET rank = max(rank, excluded.rank)
            """)
        selectOverride = try db.cachedStatement("""
            SELECT rank FROM superseded WHERE entity_id = ?1 AND field = ?2 AND origin = ?3 AND seq = ?4
            """)
        selectRegister = try db.cachedStatement("""
            SELECT origin, seq, vtype, value, rank, hlc FROM registers WHERE entity_id = ?1 AND field = ?2
            """)
        insertRegister = try db.cachedStatement("""
            INSERT INTO registers(entity_id, field, origin, seq, vtype, value, rank, hlc)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(entity_id, field) DO NOTHING
            """)
        updateRegister = try db.cachedStatement("""
            UPDATE registers SET origin = ?3, seq = ?4, vtype = ?5, value = ?6, rank = ?7, hlc = ?8
            WHERE entity_id = ?1 AND field = ?2
            """)
        deleteRegister = try db.cachedStatement("DELETE FROM registers WHERE entity_id = ?1 AND field = ?2")
        insertConflict = try db.cachedStatement("""
            INSERT OR IGNORE INTO conflicts(entity_id, field, origin, seq, vtype, value, rank, hlc)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        deleteOverriddenConflict = try db.cachedStatement("""
            DELETE FROM conflicts WHERE entity_id = ?1 AND field = ?2 AND origin = ?3 AND seq = ?4 AND rank <= ?5
            """)
        selectConflicts = try db.cachedStatement("""
            SELECT origin, seq, vtype, value, rank, hlc FROM conflicts WHERE entity_id = ?1 AND field = ?2
            """)
        deleteConflict = try db.cachedStatement("""
            DELETE FROM conflicts WHERE entity_id = ?1 AND field = ?2 AND origin = ?3 AND seq = ?4
            """)
    }

    /// Merges one set op of register (entity, field).
    func merge(_ op: Op, entity: Int64, field: String, value: Value, rank: UInt32, supersedes: [OpID]) throws {
        let key: [DatabaseValue] = [.integer(entity), .text(field)]
        let incoming = FieldWrite(id: op.id, value: value, rank: rank, hlc: op.hlc)
        if !supersedes.isEmpty { try override(supersedes, rank: rank, key: key) }
        if let r = try selectOverride.queryFirst(key + Self.idArgs(op.id), { $0.int64(0) }) ?? nil, r >= Int64(rank) {
            return   // someone who saw this write replaced it
        }
        // Fast path: the register has no head yet, so this write is its winner.
        try insertRegister.execute(Self.row(key, incoming))
        if db.changes == 1 { return }
        guard let winner = try selectRegister.queryFirst(key, { Reader.write($0) }) ?? nil else {
            throw StoreError(.database, "register \(op.collection)/\(op.entity).\(field) is unreadable")
        }
        if RegisterKey(winner) < RegisterKey(incoming) {
            try insertConflict.execute(Self.row(key, winner))   // the displaced winner is still a head
            try updateRegister.execute(Self.row(key, incoming))
        } else {
            try insertConflict.execute(Self.row(key, incoming))
        }
    }

    /// Records that a write of `rank` listed `ids`, and removes the heads it overrides.
    private func override(_ ids: [OpID], rank: UInt32, key: [DatabaseValue]) throws {
        let winner = try selectRegister.queryFirst(key, { Reader.write($0) }) ?? nil
        var winnerOverridden = false
        for id in ids {
            let args = key + Self.idArgs(id)
            try recordSuperseded.execute(args + [.integer(Int64(rank))])
            if let winner, winner.id == id, winner.rank <= rank {
                winnerOverridden = true
            } else {
                try deleteOverriddenConflict.execute(args + [.integer(Int64(rank))])
            }
        }
        guard winnerOverridden else { return }
        // The winner is gone: the best remaining head (if any) takes its place.
        let heads = try selectConflicts.query(key) { Reader.write($0) }.compactMap { $0 }
        guard let best = heads.max(by: { RegisterKey($0) < RegisterKey($1) }) else {
            try deleteRegister.execute(key)
            return
        }
        try deleteConflict.execute(key + Self.idArgs(best.id))
        try updateRegister.execute(Self.row(key, best))
    }

    private static func idArgs(_ id: OpID) -> [DatabaseValue] { [id.origin.databaseValue, id.seq.databaseValue] }

    /// `entity_id, field, origin, seq, vtype, value, rank, hlc` for the register tables.
    private static func row(_ key: [DatabaseValue], _ w: FieldWrite) -> [DatabaseValue] {
        let (vtype, stored) = w.value.storage
        return key + idArgs(w.id) + [.integer(vtype), stored, .integer(Int64(w.rank)), w.hlc.databaseValue]
    }

    /// Rebuilds every register from the merged set ops of the op log (state is a pure function
    /// of the ops). Used by the migration that introduced causal override, so it reads the op log
    /// as migration 0001 made it (bodies whole, origins inline), before `0004-compact-ops`.
    static func rebuild(_ db: Database) throws {
        try db.execute("DELETE FROM registers; DELETE FROM conflicts; DELETE FROM superseded;")
        let merger = try RegisterMerger(db: db)
        let entityID = try db.cachedStatement("SELECT id FROM entities WHERE collection = ?1 AND entity = ?2")
        let page = try db.cachedStatement("""
            SELECT origin, seq, scope, body FROM ops WHERE (origin, seq) > (?1, ?2) ORDER BY origin, seq LIMIT 2000
            """)
        var after: (origin: DatabaseValue, seq: DatabaseValue) = (.blob([]), .integer(0))
        while true {
            let rows = try page.query([after.origin, after.seq]) { row in (row[0], row[1], row.int64(2) ?? 0, row.blob(3) ?? []) }
            guard let last = rows.last else { return }
            after = (last.0, last.1)
            for (_, _, scope, body) in rows where scope != MergeContext.quarantineScope {
                let op = try OpCodec.decode(body)
                guard case .set(let field, let value, let rank, let supersedes) = op.action else { continue }
                guard let id = try entityID.queryFirst([.text(op.collection), .text(op.entity)], { $0.int64(0) }) ?? nil else {
                    throw StoreError(.database, "op \(op.id) is merged but its entity has no row; restore the store from a backup")
                }
                try merger.merge(op, entity: id, field: field, value: value, rank: rank, supersedes: supersedes)
            }
        }
    }
}

extension RegisterKey {
    init(_ w: FieldWrite) { self.init(rank: w.rank, hlc: w.hlc, origin: w.id.origin, seq: w.id.seq) }
}
