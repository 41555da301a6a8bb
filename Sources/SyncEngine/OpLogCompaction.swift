import SQLite
import SyncProtocol

/// Migration `0004-compact-ops` (Schema invariant 1a): the op log keyed by interned origins, each
/// merged op's body without the id, collection, entity and field name its columns hold. A hub stored about
/// 160 bytes per op in `ops` and 31 per entry of `ops_scope`; see README, "Performance".
///
/// Every op is rewritten in place, in the migration's transaction: its bytes are split by
/// `OpCodec.stripped` and the split is checked by putting them back together (`assemble`) before
/// the row is written, so an op whose stored bytes would change stops the migration and rolls it
/// back. The pages the old table leaves free are given back by `Store.open` (VACUUM).
enum OpLogCompaction {
    static let name = "0004-compact-ops"

    static func migrate(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE origin_ids(
                id INTEGER PRIMARY KEY,
                origin BLOB NOT NULL UNIQUE CHECK (length(origin) = 16)) STRICT;
            CREATE TABLE field_names(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE) STRICT;
            INSERT INTO origin_ids(origin) SELECT origin FROM origins UNION SELECT origin FROM ops ORDER BY 1;
            DROP INDEX ops_scope;
            ALTER TABLE ops RENAME TO ops_0003;
            CREATE TABLE ops(
                origin_id INTEGER NOT NULL,
                seq INTEGER NOT NULL CHECK (seq >= 1),
                local_seq INTEGER NOT NULL,
                scope INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                entity_id INTEGER,
                field_id INTEGER,
                body BLOB NOT NULL,
                PRIMARY KEY (origin_id, seq)) STRICT, WITHOUT ROWID;
            """)
        // Uncached: the statement names a table this migration drops.
        let page = """
            SELECT n.id, o.origin, o.seq, o.local_seq, o.scope, o.received_at, o.body
            FROM ops_0003 o JOIN origin_ids n ON n.origin = o.origin
            WHERE (o.origin, o.seq) > (?1, ?2) ORDER BY o.origin, o.seq LIMIT 2000
            """
        let entityID = try db.cachedStatement("SELECT id FROM entities WHERE collection = ?1 AND entity = ?2")
        let insert = try db.cachedStatement("""
            INSERT INTO ops(origin_id, seq, local_seq, scope, received_at, entity_id, field_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        var fieldIDs: [String: Int64] = [:]
        var after: [DatabaseValue] = [.blob([]), .integer(0)]
        while true {
            let rows = try db.query(page, after) { row in (row[0], row[1], row[2], row[3], row.int64(4) ?? 0, row[5], row.blob(6) ?? []) }
            guard let last = rows.last else { break }
            after = [last.1, last.2]
            for (originID, _, seq, localSeq, scope, receivedAt, body) in rows {
                let op = try OpCodec.decode(body)
                var entity: DatabaseValue = .null, field: DatabaseValue = .null
                var stored = body
                if scope != MergeContext.quarantineScope {
                    guard let id = try entityID.queryFirst([.text(op.collection), .text(op.entity)], { $0.int64(0) }) ?? nil else {
                        throw StoreError(.database, "op \(op.id) is merged but its entity has no row; restore the store from a backup")
                    }
                    entity = .integer(id)
                    if let name = StoredBody.field(of: op) {
                        let id = try fieldIDs[name] ?? MergeContext.intern(name, in: db)
                        fieldIDs[name] = id
                        field = .integer(id)
                    }
                    // Checked by putting the bytes back together: an op that would not keep its
                    // bytes stops the migration, and nothing is changed.
                    stored = try StoredBody.stored(body, of: op, interned: true)
                }
                try insert.execute([originID, seq, localSeq, .integer(scope), receivedAt, entity, field, .blob(stored)])
            }
        }
        try db.execute("""
            DROP TABLE ops_0003;
            CREATE INDEX ops_scope ON ops(scope, local_seq) WHERE \(Schema.scopeIndexCondition);
            """)
    }
}
