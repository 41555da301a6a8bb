import SQLite
import SyncProtocol

/// The index of quarantined ops (Schema invariant 2b): one `quarantine` row per op held in
/// `ops` with the quarantine scope, carrying what the release check and the admin listing need
/// (origin, seq, hlc, collection, entity, arrival time) so neither decodes a body. The release
/// check of every apply is one range probe on `quarantine_hlc`.
struct Quarantine {
    let db: Database

    /// Indexes an op just stored with the quarantine scope.
    func hold(_ op: Op, receivedAt: UInt64) throws {
        try db.cachedStatement("""
            INSERT INTO quarantine(origin, seq, hlc_ms, hlc_counter, collection, entity, received_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """).execute([op.origin.databaseValue, op.seq.databaseValue, op.hlc.milliseconds.databaseValue,
                          .integer(Int64(op.hlc.counter)), .text(op.collection), .text(op.entity), receivedAt.databaseValue])
    }

    /// Removes a quarantined op (its index row and its quarantine-scope copy in `ops`).
    func remove(_ id: OpID) throws {
        let args: [DatabaseValue] = [id.origin.databaseValue, id.seq.databaseValue]
        try db.cachedStatement("DELETE FROM quarantine WHERE origin = ?1 AND seq = ?2").execute(args)
        try db.cachedStatement("DELETE FROM ops WHERE origin_id = \(StoredBody.originID(1)) AND seq = ?2 AND scope = ?3")
            .execute(args + [.integer(MergeContext.quarantineScope)])
    }

    /// How many ops of `origin` are held (a prefix count on the primary key).
    func count(origin: NodeID) throws -> Int {
        Int(try db.cachedStatement("SELECT count(*) FROM quarantine WHERE origin = ?1")
            .queryFirst([origin.databaseValue]) { $0.int64(0) ?? 0 } ?? 0)
    }

    /// The release check: a range probe on `quarantine_hlc` (tests hold it to that plan).
    static let dueSQL = "SELECT origin, seq FROM quarantine WHERE hlc_ms <= ?1 ORDER BY hlc_ms, hlc_counter"

    /// Every held op stamped at or before millisecond `limit`, oldest stamp first.
    func due(limit: UInt64) throws -> [OpID] {
        try db.cachedStatement(Self.dueSQL).query([.integer(Int64(clamping: limit))], Self.id).compactMap { $0 }
    }

    /// Every held op of `origin` (of every origin when nil), by (origin, seq).
    func all(origin: NodeID?) throws -> [OpID] {
        if let origin {
            return try db.cachedStatement("SELECT origin, seq FROM quarantine WHERE origin = ?1 ORDER BY seq")
                .query([origin.databaseValue], Self.id).compactMap { $0 }
        }
        return try db.cachedStatement("SELECT origin, seq FROM quarantine ORDER BY origin, seq").query([], Self.id).compactMap { $0 }
    }

    /// The stored op and its arrival time.
    func load(_ id: OpID) throws -> (op: Op, receivedAt: UInt64) {
        let row = try db.cachedStatement("""
            SELECT \(StoredBody.columns), o.received_at FROM ops o \(StoredBody.joins)
            WHERE o.origin_id = \(StoredBody.originID(1)) AND o.seq = ?2 AND o.scope = ?3
            """).queryFirst([id.origin.databaseValue, id.seq.databaseValue, .integer(MergeContext.quarantineScope)]) {
                (try StoredBody.canonical($0), $0.uint64(StoredBody.columnCount) ?? 0)
            }
        guard let (body, receivedAt) = row else {
            throw StoreError(.database, "quarantined op \(id) has no stored body; run `verify` and restore the store from a backup")
        }
        return (try OpCodec.decode(body), receivedAt)
    }

    private static func id(_ row: Row) -> OpID? {
        guard let origin = row.nodeID(0), let seq = row.uint64(1) else { return nil }
        return OpID(origin: origin, seq: seq)
    }

    /// Indexes every quarantine-scope op already in `ops` (the migration that added the table;
    /// it reads the op log as migration 0001 made it, before `0004-compact-ops`).
    static func rebuild(_ db: Database) throws {
        let q = Quarantine(db: db)
        let bodies = try db.cachedStatement("SELECT body, received_at FROM ops WHERE scope = ?1")
            .query([.integer(MergeContext.quarantineScope)]) { ($0.blob(0) ?? [], $0.uint64(1) ?? 0) }
        for (body, receivedAt) in bodies { try q.hold(try OpCodec.decode(body), receivedAt: receivedAt) }
    }
}
