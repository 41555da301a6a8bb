import Collections
import SyncEngine
import SyncProtocol

/// What a node may push (spec §10.3, and §19.4: what each peer may write).
///
/// Rules, checked on every op before anything is stored (one bad op refuses the batch):
/// 1. Its origin is the pushing node (`foreign_origin`, spec §10.3).
/// 2. Its seq is at most 2^63−1 (spec §12: stores keep seqs as SQLite integers). A larger one
///    is `malformed`, not an internal error: no seq a peer sends can fail the hub's writes.
/// 3. The collection registry admits it from a node (`CollectionRegistry.check`): the
///    collection and field are declared, a node writes them (not `ref.*`, not `hub.*`), the
///    action fits the field's kind and the value its type. Unknown names are refused (§19.4).
/// 4. Its entity is owned by the pushing node: `EntityID.owner(entity) == node`. Entities
///    without an owner prefix are the hub's own records.
/// Rules 3–4 are the application's (§19.4); they answer 403 `foreign_origin`, retry `stop`,
/// with a message naming the collection or field.
enum PushAuthorization {
    static func check(_ ops: [Op], node: NodeID, collections: CollectionRegistry = .standard) throws(HubWireError) {
        for op in ops {
            guard op.origin == node else { throw HubWireError(.foreignOrigin) }
            guard op.seq <= UInt64(Int64.max) else {
                throw HubWireError(.malformed, "A pushed op has a sequence number above 2^63-1, which no store keeps; fieldnode must be fixed.")
            }
            if let refusal = collections.check(op, from: .node) {
                let advice = refusal.code == .notWriter
                    ? "push only this node's fields." : "upgrade the hub before the laptops, or fix fieldnode."
                throw HubWireError(.foreignOrigin, "A pushed op \(refusal.message); \(advice)")
            }
            guard EntityID.owner(op.entity) == node else {
                throw HubWireError(.foreignOrigin, "A pushed op changes a record this node does not own; push only this node's records.")
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
