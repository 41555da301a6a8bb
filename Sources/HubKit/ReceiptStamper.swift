import Collections
import SyncEngine
import SyncProtocol

/// Writes `hub.receivedAt` (int, ms) on reports when their creation first reaches the hub; the
/// op flows back to the owning node (scope `node:<owner>`), which shows "received by hub".
///
/// Decision: "first reaches" is judged by state, not by the batch: after each push the hub
/// stamps every report that the batch created (an `exist` op), that exists here, and that has
/// no `hub.receivedAt` yet. So a push whose stamp was lost (crash between the push's commit and
/// the stamp) is stamped when the node sends the batch again, and a repeated batch stamps
/// nothing twice. A report whose creation was quarantined (clock far ahead) is stamped when it
/// is released: the release names the entities it touched (`ApplyOutcome.releasedEntities`),
/// and only those are looked at — never every report (at 108k reports that sweep took 9.8 s).
public enum ReceiptStamper {
    static let collection = ReportCollection.name
    static let field = ReportCollection.Field.hubReceivedAt

    /// Stamps as described; returns how many reports were stamped. Blocking.
    @discardableResult
    static func stamp(store: Store, batch ops: [Op], released: [EntityRef] = [], now: UInt64) throws -> Int {
        try store.transaction { tx in try stamp(in: tx, batch: ops, released: released, now: now) }
    }

    /// The same inside a caller's transaction (the push: apply, stamp and ack read commit as one).
    @discardableResult
    public static func stamp(in transaction: StoreTransaction, batch ops: [Op], released: [EntityRef] = [], now: UInt64) throws -> Int {
        var candidates = Set(ops.compactMap { op -> String? in
            guard op.collection == collection, case .exist = op.action else { return nil }
            return op.entity
        })
        for entity in released where entity.collection == collection { candidates.insert(entity.entity) }
        guard !candidates.isEmpty else { return 0 }
        return try transaction.write { tx in
            var stamped = 0
            for entity in candidates.sorted() {
                guard let document = try tx.document(collection, entity), document.exists, document.fields[field] == nil else { continue }
                try tx.set(collection, entity, field, .int(Int64(clamping: now)))
                stamped += 1
            }
            return stamped
        }
    }
}
