import SyncEngine
import SyncProtocol

/// What a node may push (spec §10.3 plus the hub's record ownership).
///
/// Rules, checked on every op before anything is stored (one bad op refuses the batch):
/// 1. Its origin is the pushing node (`foreign_origin`, spec §10.3).
/// 2. Its collection is not reference data (`ref.*`): only the hub writes those.
/// 3. Its entity is owned by the pushing node: `EntityID.owner(entity) == node`. Entities
///    without an owner prefix are the hub's own records.
/// 4. It does not write a `hub.*` field: the hub alone stamps those (`hub.receivedAt`).
/// 5. Its seq is at most 2^63−1 (spec §12: stores keep seqs as SQLite integers). A larger one
///    is `malformed`, not an internal error: no seq a peer sends can fail the hub's writes.
/// Rules 2–4 are decisions (the spec leaves ownership to the application); they answer the
/// same 403 `foreign_origin`, retry `stop`, with a message naming the rule.
enum PushAuthorization {
    static func check(_ ops: [Op], node: NodeID) throws(HubWireError) {
        for op in ops {
            guard op.origin == node else { throw HubWireError(.foreignOrigin) }
            guard op.seq <= UInt64(Int64.max) else {
                throw HubWireError(.malformed, "A pushed op has a sequence number above 2^63-1, which no store keeps; fieldnode must be fixed.")
            }
            guard !op.collection.hasPrefix("ref.") else {
                throw HubWireError(.foreignOrigin, "A pushed op changes reference data, which only the hub writes; push only this node's records.")
            }
            guard EntityID.owner(op.entity) == node else {
                throw HubWireError(.foreignOrigin, "A pushed op changes a record this node does not own; push only this node's records.")
            }
            if let field = op.action.fieldName, field.hasPrefix("hub.") {
                throw HubWireError(.foreignOrigin, "A pushed op writes a field only the hub writes; push only this node's fields.")
            }
        }
    }
}

extension Action {
    /// The register or set field an action writes, nil for `exist`.
    var fieldName: String? {
        switch self {
        case .exist: nil
        case .set(let field, _, _, _), .add(let field, _), .remove(let field, _, _): field
        }
    }
}
