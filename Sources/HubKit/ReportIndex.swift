import Collections
import SQLite
import SyncEngine
import SyncProtocol

/// The narrow table `missionhub report list` reads (issue 15: a listing reads an index, not
/// every document): per report, its causal length and the four fields a line shows.
///
/// Rules (HubSchema invariant 5):
/// 1. `hub_report_index` has one row per report entity the hub holds, equal to what the state
///    says: kept by this observer in the transaction of every merge or own write that changes the
///    report's existence or one of the four fields (`didMerge`, `didWrite`), from the state
///    after it — so it can never disagree with the ops.
/// 2. The row is recomputed from the state, never patched: order and redelivery do not matter.
/// 3. Migration `hub-0007-report-index` fills it from the state of an existing store.
struct ReportIndex: MergeObserver {
    static let fields = [ReportCollection.Field.ref, ReportCollection.Field.hubReceivedAt,
                         ReportCollection.Field.category, ReportCollection.Field.involvesChild]

    func willMerge(_ op: Op, state: MergeState) throws {}

    func didMerge(_ op: Op, state: MergeState) throws { try refresh(op, state.database) }

    func didWrite(_ op: Op, state: MergeState) throws { try refresh(op, state.database) }

    private func refresh(_ op: Op, _ db: Database) throws {
        guard op.collection == ReportCollection.name else { return }
        if let field = op.action.fieldName, !Self.fields.contains(field) { return }
        try db.cachedStatement(Self.upsert + " AND e.entity = ?1 " + Self.conflict).execute([.text(op.entity)])
    }

    /// The rows from the state: one primary-key lookup per field (`Value+Storage` types: 4 text,
    /// 2 int, 1 bool).
    static let upsert = """
        INSERT INTO main.hub_report_index(entity, causal_length, ref, received_at, category, involves_child)
        SELECT e.entity, e.causal_length,
               CASE WHEN r0.vtype = 4 THEN r0.value END, CASE WHEN r1.vtype = 2 THEN r1.value END,
               CASE WHEN r2.vtype = 2 THEN r2.value END, CASE WHEN r3.vtype = 1 THEN r3.value END
        FROM main.entities e
        LEFT JOIN main.registers r0 ON r0.entity_id = e.id AND r0.field = '\(fields[0])'
        LEFT JOIN main.registers r1 ON r1.entity_id = e.id AND r1.field = '\(fields[1])'
        LEFT JOIN main.registers r2 ON r2.entity_id = e.id AND r2.field = '\(fields[2])'
        LEFT JOIN main.registers r3 ON r3.entity_id = e.id AND r3.field = '\(fields[3])'
        WHERE e.collection = '\(ReportCollection.name)'
        """
    static let conflict = """
        ON CONFLICT(entity) DO UPDATE SET causal_length = excluded.causal_length, ref = excluded.ref,
            received_at = excluded.received_at, category = excluded.category, involves_child = excluded.involves_child
        """

    /// The table and its first filling (rule 3).
    static let migration = LocalMigration("hub-0007-report-index") { db in
        try db.execute("""
            CREATE TABLE main.hub_report_index(
                entity TEXT PRIMARY KEY NOT NULL,
                causal_length INTEGER NOT NULL,
                ref TEXT,
                received_at INTEGER,
                category INTEGER,
                involves_child INTEGER) STRICT, WITHOUT ROWID;
            CREATE INDEX main.hub_report_index_order ON hub_report_index(received_at DESC, coalesce(ref, entity));
            """)
        try db.execute(upsert + " " + conflict)
    }

    /// Every row, newest receipt first, then by reference (the listing's order, read from the
    /// order index), for `ReportListing.load`, on a reader.
    static func rows(store: Store) throws -> [ProjectedEntity] {
        try store.read { db in
            try db.query("""
                SELECT entity, causal_length, ref, received_at, category, involves_child FROM main.hub_report_index
                ORDER BY received_at DESC, coalesce(ref, entity)
                """) { row in
                ProjectedEntity(entity: row.string(0) ?? "", causalLength: row.unsigned(1) ?? 0, values: [
                    row.string(2).map(Value.string), row.int64(3).map(Value.int), row.int64(4).map(Value.int),
                    row.int64(5).map { Value.bool($0 != 0) },
                ])
            }
        }
    }
}
