import Collections
import SQLite
import SyncEngine
import SyncProtocol

/// The narrow table `missionhub report list` reads and filters (issue 15: a listing reads an
/// index, not every document): per report, its causal length and the fields a line shows or a
/// filter tests (`ReportIndexRow`).
///
/// Rules (HubSchema invariant 5):
/// 1. `hub_report_index` has one row per report entity the hub holds, equal to what the state
///    says: kept by this observer in the transaction of every merge or own write that changes the
///    report's existence or an indexed field (`didMerge`, `didWrite`), from the state after it —
///    so it can never disagree with the ops.
/// 2. The row is recomputed from the state by `ReportIndexRow`'s one function, never patched:
///    order and redelivery do not matter.
/// 3. Migration `hub-0007-report-index` made the table with its first four fields; migration
///    `hub-0009-report-index-filters` adds the filter columns and urgency's facts, refills
///    every row, and replaces the order index by one that covers an unfiltered listing.
struct ReportIndex: MergeObserver {
    func willMerge(_ op: Op, state: MergeState) throws {}

    func didMerge(_ op: Op, state: MergeState) throws { try refresh(op, state.database) }

    func didWrite(_ op: Op, state: MergeState) throws { try refresh(op, state.database) }

    private func refresh(_ op: Op, _ db: Database) throws {
        guard op.collection == ReportCollection.name else { return }
        if let field = op.action.fieldName, !ReportIndexRow.isIndexed(field) { return }
        try Self.refresh(entity: op.entity, db)
    }

    /// Recomputes one report's row from the state (rule 2).
    static func refresh(entity: String, _ db: Database) throws {
        guard let (id, length) = try db.cachedStatement("""
            SELECT id, causal_length FROM main.entities WHERE collection = '\(ReportCollection.name)' AND entity = ?1
            """).queryFirst([.text(entity)], { ($0.int64(0) ?? 0, $0.unsigned(1) ?? 0) }) else { return }
        var fields = ReportIndexRow.Fields()
        // Value+Storage types: 1 bool, 2 int, 4 text; others (sealed) are not read here.
        _ = try db.cachedStatement("""
            SELECT field, vtype, value FROM main.registers WHERE entity_id = ?1 AND vtype IN (1, 2, 4)
              AND (field IN (\(ReportIndexRow.registerFields.sorted().map { "'\($0)'" }.joined(separator: ", ")))
                   OR (field GLOB 'alleged[[]*' AND (field GLOB '*.personnelCategory' OR field GLOB '*.nationality')))
            """).query([.integer(id)]) { row in
                guard let field = row.string(0), let value = Self.value(vtype: row.int64(1), row[2]) else { return }
                fields.registers[field] = value
            }
        _ = try db.cachedStatement("""
            SELECT field, element FROM main.set_adds WHERE entity_id = ?1 AND etype = 4
              AND field IN (\(ReportIndexRow.setFields.sorted().map { "'\($0)'" }.joined(separator: ", ")))
            """).query([.integer(id)]) { row in
                guard let field = row.string(0), let element = row.string(1) else { return }
                fields.sets[field, default: []].append(.string(element))
            }
        try write(ReportIndexRow(entity: entity, causalLength: length, fields: fields), db)
    }

    private static func value(vtype: Int64?, _ stored: DatabaseValue) -> Value? {
        switch (vtype, stored) {
        case (1, .integer(let i)): .bool(i != 0)
        case (2, .integer(let i)): .int(i)
        case (4, .text(let s)): .string(s)
        default: nil
        }
    }

    static func write(_ row: ReportIndexRow, _ db: Database) throws {
        let columns = ReportIndexRow.columns
        try db.cachedStatement("""
            INSERT INTO main.hub_report_index(\(columns.joined(separator: ", ")))
            VALUES (\(columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))
            ON CONFLICT(entity) DO UPDATE SET \(columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """).execute([
                .text(row.entity), row.causalLength.databaseValue, row.ref.map { .text($0) } ?? .null,
                row.receivedAt.map { .integer($0) } ?? .null, row.category.map { .integer($0) } ?? .null,
                row.involvesChild.map { .integer($0 ? 1 : 0) } ?? .null, row.ageUndetermined.map { .integer($0 ? 1 : 0) } ?? .null,
                row.incidentFrom.map { .text($0) } ?? .null, row.incidentTo.map { .text($0) } ?? .null,
                row.area.map { .text($0) } ?? .null, .text(row.allegationTypes), .text(row.needs), .text(row.personnel),
                .text(row.nationalities), .integer(row.urgentMedicalNeeds ? 1 : 0), row.assaultLastDay.map { .text($0) } ?? .null,
            ])
    }

    /// The table and its first filling, as shipped (rule 3).
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
        try db.execute("""
            INSERT INTO main.hub_report_index(entity, causal_length, ref, received_at, category, involves_child)
            SELECT e.entity, e.causal_length,
                   CASE WHEN r0.vtype = 4 THEN r0.value END, CASE WHEN r1.vtype = 2 THEN r1.value END,
                   CASE WHEN r2.vtype = 2 THEN r2.value END, CASE WHEN r3.vtype = 1 THEN r3.value END
            FROM main.entities e
            LEFT JOIN main.registers r0 ON r0.entity_id = e.id AND r0.field = 'ref'
            LEFT JOIN main.registers r1 ON r1.entity_id = e.id AND r1.field = 'hub.receivedAt'
            LEFT JOIN main.registers r2 ON r2.entity_id = e.id AND r2.field = 'derived.category'
            LEFT JOIN main.registers r3 ON r3.entity_id = e.id AND r3.field = 'derived.involvesChild'
            WHERE e.collection = 'report'
            """)
    }

    /// The filter columns, filled for every report of an existing store (rule 3).
    static let filterMigration = LocalMigration("hub-0009-report-index-filters") { db in
        try db.execute("""
            ALTER TABLE main.hub_report_index ADD COLUMN age_undetermined INTEGER;
            ALTER TABLE main.hub_report_index ADD COLUMN incident_from TEXT;
            ALTER TABLE main.hub_report_index ADD COLUMN incident_to TEXT;
            ALTER TABLE main.hub_report_index ADD COLUMN area TEXT;
            ALTER TABLE main.hub_report_index ADD COLUMN allegation_types TEXT NOT NULL DEFAULT ' ';
            ALTER TABLE main.hub_report_index ADD COLUMN needs TEXT NOT NULL DEFAULT ' ';
            ALTER TABLE main.hub_report_index ADD COLUMN personnel TEXT NOT NULL DEFAULT ' ';
            ALTER TABLE main.hub_report_index ADD COLUMN nationalities TEXT NOT NULL DEFAULT ' ';
            ALTER TABLE main.hub_report_index ADD COLUMN urgent_medical INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE main.hub_report_index ADD COLUMN assault_day TEXT;
            DROP INDEX main.hub_report_index_order;
            CREATE INDEX main.hub_report_index_listing ON hub_report_index(received_at DESC, coalesce(ref, entity),
                causal_length, ref, category, involves_child, age_undetermined, urgent_medical, assault_day);
            """)
        let entities = try db.query("SELECT entity FROM main.entities WHERE collection = '\(ReportCollection.name)'") { $0.string(0) ?? "" }
        for entity in entities { try refresh(entity: entity, db) }
    }

    /// What a listing line needs of one row, with urgency's facts (`ReportUrgency`).
    struct Line: Sendable {
        let entity: String
        let causalLength: UInt64
        let ref: String?
        let receivedAt: Int64?
        let category: Int64?
        let involvesChild: Bool?
        let ageUndetermined: Bool?
        let urgentMedicalNeeds: Bool
        /// The incident's last day when a type of `ReportUrgency.recentAssaultTypes` is alleged.
        let assaultLastDay: String?

        var exists: Bool { causalLength % 2 == 1 }
    }

    /// The rows `filter` selects, newest receipt first, then by reference (the listing's
    /// order, read from the order index), for `ReportListing.load`, on a reader.
    static func lines(store: Store, filter: ReportFilter) throws -> [Line] {
        let (clause, arguments) = filter.sql
        return try store.read { db in
            // Unfiltered, every column comes from the listing index (`hub_report_index_listing`), in its order.
            try db.query("""
                SELECT entity, causal_length, ref, received_at, category, involves_child, age_undetermined, urgent_medical, assault_day
                FROM main.hub_report_index \(clause)
                ORDER BY received_at DESC, coalesce(ref, entity)
                """, arguments) { row in
                Line(entity: row.string(0) ?? "", causalLength: row.unsigned(1) ?? 0, ref: row.string(2), receivedAt: row.int64(3),
                     category: row.int64(4), involvesChild: row.int64(5).map { $0 != 0 }, ageUndetermined: row.int64(6).map { $0 != 0 },
                     urgentMedicalNeeds: row.int64(7) == 1, assaultLastDay: row.string(8))
            }
        }
    }

    /// Every row as stored, by entity (tests compare it with rows computed from documents).
    static func rows(store: Store) throws -> [ReportIndexRow] {
        try store.read { db in
            try db.query("SELECT \(ReportIndexRow.columns.joined(separator: ", ")) FROM main.hub_report_index ORDER BY entity") { row in
                ReportIndexRow(stored: row)
            }
        }
    }
}

extension ReportIndexRow {
    /// A row as `ReportIndex.rows` reads it.
    init(stored row: Row) {
        entity = row.string(0) ?? ""
        causalLength = row.unsigned(1) ?? 0
        ref = row.string(2)
        receivedAt = row.int64(3)
        category = row.int64(4)
        involvesChild = row.int64(5).map { $0 != 0 }
        ageUndetermined = row.int64(6).map { $0 != 0 }
        incidentFrom = row.string(7)
        incidentTo = row.string(8)
        area = row.string(9)
        allegationTypes = row.string(10) ?? " "
        needs = row.string(11) ?? " "
        personnel = row.string(12) ?? " "
        nationalities = row.string(13) ?? " "
        urgentMedicalNeeds = row.int64(14) == 1
        assaultLastDay = row.string(15)
    }

    /// The row of a whole document (as the observer computes it from the state).
    init(_ document: Document) {
        self.init(entity: document.entity, causalLength: document.causalLength,
                  fields: Fields(registers: document.fields.mapValues(\.value), sets: document.sets))
    }
}
