import Collections
import SQLite
import SyncEngine
import SyncProtocol

/// What the hub has received, no origin can erase (spec §14.1): records every change the field
/// makes to a report after the hub received it, in the transaction that merges the change.
///
/// Rules (HubSchema invariant 5), judged on the state just before the op merges:
/// 1. Only reports with `hub.receivedAt` count; ops on fields no node may write (the
///    registry's `hub.*` fields, spec §19.3) are the hub's own.
/// 2. An exist op that raises the causal length of a live report to an even number is a
///    withdrawal; one that raises it to an odd number is a re-creation (an amendment). One
///    that raises nothing changes nothing and is not recorded.
/// 3. Every set, add or remove op is an amendment of its field, with the ops whose values the
///    field showed before it: the register's heads (a set), the set's add tags (add, remove).
/// 4. The content stays in the op bodies (`ops` keeps them for ever); rows name ops only.
/// Quarantined ops are judged when they are released and merged, dated by their arrival.
struct ReportEvents: MergeObserver {
    static let collection = ReportCollection.name
    static let report = ReportCollection.spec

    func willMerge(_ op: Op, state: MergeState) throws {
        guard op.collection == Self.collection else { return }
        let field = op.action.fieldName
        if let field, !Self.report.mayWrite(field, .node) { return }
        guard try state.winner(Self.collection, op.entity, ReportCollection.Field.hubReceivedAt) != nil else { return }
        let kind: ReportEvent.Kind
        var prior: [OpID] = []
        switch op.action {
        case .exist(let length):
            let current = try state.causalLength(Self.collection, op.entity)
            guard length > current else { return }
            if length % 2 == 0 {
                guard current % 2 == 1 else { return }
                kind = .withdrawn
            } else {
                kind = .recreated
            }
        case .set(let name, _, _, _):
            kind = .set
            prior = try state.heads(Self.collection, op.entity, name).map(\.id)
        case .add(let name, _):
            kind = .add
            prior = try state.presentTags(Self.collection, op.entity, name)
        case .remove(let name, _, _):
            kind = .remove
            prior = try state.presentTags(Self.collection, op.entity, name)
        }
        let db = state.database
        try db.cachedStatement("""
            INSERT INTO hub_report_events(entity, kind, field, origin, seq, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT(origin, seq) DO NOTHING
            """).execute([.text(op.entity), .text(kind.rawValue), field.map { .text($0) } ?? .null,
                          .blob(op.origin.bytes), op.seq.databaseValue, state.receivedAt.databaseValue])
        guard db.changes == 1 else { return }
        let event = db.lastInsertRowID
        // On record in the same transaction: who changed which field of which report (AuditLog).
        let ref = try state.winner(Self.collection, op.entity, ReportCollection.Field.ref).flatMap { if case .string(let s) = $0.value { s } else { nil } }
        try AuditLog.record(in: db, actor: .node(op.origin), action: kind.auditAction, target: [
            "report": op.entity, "ref": ref ?? "-", "field": field ?? "-", "op": "\(op.origin.hex):\(op.seq)",
        ], at: state.receivedAt)
        guard !prior.isEmpty else { return }
        let insertPrior = try db.cachedStatement("INSERT OR IGNORE INTO hub_report_prior(event, origin, seq) VALUES (?1, ?2, ?3)")
        for id in prior {
            try insertPrior.execute([.integer(event), .blob(id.origin.bytes), id.seq.databaseValue])
        }
    }

    // MARK: Reading

    /// The events of one report, in the order the hub recorded them. Blocking.
    static func events(store: Store, entity: String) throws -> [ReportEvent] {
        try store.local { db in
            let rows = try db.query("""
                SELECT id, kind, field, origin, seq, received_at FROM hub_report_events WHERE entity = ?1 ORDER BY id
                """, [.text(entity)]) { row -> (Int64, ReportEvent)? in
                    guard let id = row.int64(0), let kind = row.string(1).flatMap(ReportEvent.Kind.init(rawValue:)),
                          let origin = row.blob(3).flatMap(NodeID.init(bytes:)), let seq = row.unsigned(4) else { return nil }
                    return (id, ReportEvent(kind: kind, field: row.string(2), op: OpID(origin: origin, seq: seq),
                                            receivedAt: row.unsigned(5) ?? 0, prior: []))
                }.compactMap { $0 }
            let selectPrior = try db.cachedStatement("SELECT origin, seq FROM hub_report_prior WHERE event = ?1 ORDER BY origin, seq")
            return try rows.map { id, event in
                let prior = try selectPrior.query([.integer(id)]) { row -> OpID? in
                    guard let origin = row.blob(0).flatMap(NodeID.init(bytes:)), let seq = row.unsigned(1) else { return nil }
                    return OpID(origin: origin, seq: seq)
                }.compactMap { $0 }
                return ReportEvent(kind: event.kind, field: event.field, op: event.op, receivedAt: event.receivedAt, prior: prior)
            }
        }
    }

    /// Per report with events: how many amendments, and the latest withdrawal. Blocking.
    static func summaries(store: Store) throws -> [String: Summary] {
        try store.local { db in
            var out: [String: Summary] = [:]
            _ = try db.query("""
                SELECT entity, kind, origin, received_at FROM hub_report_events ORDER BY id
                """) { row in
                    guard let entity = row.string(0), let kind = row.string(1).flatMap(ReportEvent.Kind.init(rawValue:)) else { return }
                    out[entity, default: Summary()].count(kind, by: row.blob(2).flatMap(NodeID.init(bytes:)), at: row.unsigned(3) ?? 0)
                }
            return out
        }
    }

    /// How many of the given ops (all of one origin, as a push's are) are recorded withdrawals
    /// and amendments: what a push did to received reports, for its log line. Blocking.
    static func counts(in transaction: StoreTransaction, ops: [Op]) throws -> (withdrawals: Int, amendments: Int) {
        guard let origin = ops.first?.origin, let low = ops.map(\.seq).min(), let high = ops.map(\.seq).max() else { return (0, 0) }
        return try transaction.local { db in
            var counts = (withdrawals: 0, amendments: 0)
            _ = try db.query("""
                SELECT kind = 'withdrawn', count(*) FROM hub_report_events WHERE origin = ?1 AND seq BETWEEN ?2 AND ?3 GROUP BY 1
                """, [.blob(origin.bytes), low.databaseValue, high.databaseValue]) { row in
                    let n = Int(row.int64(1) ?? 0)
                    if row.int64(0) == 1 { counts.withdrawals += n } else { counts.amendments += n }
                }
            return counts
        }
    }

    struct Summary {
        var amendments = 0
        /// Who withdrew the report last, and when the hub received it.
        var lastWithdrawal: (by: NodeID?, at: UInt64)?

        /// Adds one event, in recorded order.
        mutating func count(_ kind: ReportEvent.Kind, by origin: NodeID?, at time: UInt64) {
            if kind == .withdrawn {
                lastWithdrawal = (origin, time)
            } else {
                amendments += 1
            }
        }
    }
}

/// One recorded change to a received report (a row of `hub_report_events`).
struct ReportEvent: Sendable, Hashable {
    enum Kind: String, Sendable {
        case withdrawn, recreated, set, add, remove
    }

    let kind: Kind
    /// The field changed; nil for `withdrawn` and `recreated`.
    let field: String?
    /// The op that made the change; its origin is who made it.
    let op: OpID
    /// When the hub received the op (ms).
    let receivedAt: UInt64
    /// The ops whose values the field showed just before.
    let prior: [OpID]

    var isAmendment: Bool { kind != .withdrawn }
}

extension ReportEvent.Kind {
    /// The audit log's name for the event.
    var auditAction: AuditAction {
        switch self {
        case .withdrawn: .reportWithdrawn
        case .recreated: .reportRecreated
        case .set, .add, .remove: .reportAmended
        }
    }
}
