import SQLite
import SyncProtocol

/// How `ops.body` holds an op's canonical encoding (Schema invariant 1a).
///
/// A merged op's origin, entity and field name are interned (`ops.origin_id`, `entity_id`,
/// `field_id`), so the body leaves out what those columns and `seq` already say: it is
/// `OpCodec.stripped`, the hlc, the action's tag and the rest of the action (about 30 of a report
/// op's 120 bytes). A quarantined op touches no state table and its entity may have no row: its
/// body is the whole encoding and `entity_id` and `field_id` are NULL.
///
/// The canonical bytes are put back by `OpCodec.assemble`, a concatenation of stored bytes and
/// interned names, never a re-encoding: what was received is what is served, hashed and compared.
enum StoredBody {
    /// The columns `canonical(_:at:)` reads, for a query `FROM ops o` joined with `joins`.
    static let columns = "n.origin, o.seq, e.collection, e.entity, f.name, o.body"
    /// How many columns `columns` names: the index of the first column after them.
    static let columnCount = 6
    static let joins = """
        JOIN origin_ids n ON n.id = o.origin_id LEFT JOIN entities e ON e.id = o.entity_id \
        LEFT JOIN field_names f ON f.id = o.field_id
        """
    /// The id of an origin, as an SQL expression on parameter `?n` (NULL when never stored).
    static func originID(_ parameter: Int) -> String { "(SELECT id FROM origin_ids WHERE origin = ?\(parameter))" }

    /// The field an op's action names (nil for an exist op).
    static func field(of op: Op) -> String? {
        switch op.action {
        case .exist: return nil
        case .set(let field, _, _, _), .add(let field, _), .remove(let field, _, _): return field
        }
    }

    /// What to store for `encoded`, the canonical bytes of `op`; `interned` when its entity has a
    /// row (`entity_id` not NULL) and its field name one too. The split is checked by putting it
    /// back together, so stored bytes can never come back different.
    static func stored(_ encoded: [UInt8], of op: Op, interned: Bool) throws -> [UInt8] {
        guard interned else { return encoded }
        let field = field(of: op)
        guard let rest = OpCodec.stripped(encoded, id: op.id, collection: op.collection, entity: op.entity, field: field),
              OpCodec.assemble(op.id, collection: op.collection, entity: op.entity, field: field, stripped: rest) == encoded else {
            throw StoreError(.database, "op \(op.id) was given bytes that do not encode its id, collection, entity and field; this is a bug in the caller")
        }
        return rest
    }

    /// The canonical bytes of the op whose `columns` start at column `b`.
    static func canonical(_ row: Row, at b: Int = 0) throws -> [UInt8] {
        guard let origin = row.nodeID(b), let seq = row.uint64(b + 1), let body = row.blob(b + 5) else {
            throw StoreError(.database, "an op row has no origin, seq or body; run `verify` and restore the store from a backup")
        }
        guard let collection = row.string(b + 2), let entity = row.string(b + 3) else { return body }
        return OpCodec.assemble(OpID(origin: origin, seq: seq), collection: collection, entity: entity, field: row.string(b + 4), stripped: body)
    }

    /// The length of the canonical bytes, from `length(o.body)`, `seq` and the lengths in bytes of
    /// collection, entity and field (collection and entity NULL when the body is whole), without
    /// assembling them.
    static func canonicalLength(stored: Int, seq: UInt64, collectionBytes: Int?, entityBytes: Int?, fieldBytes: Int?) -> Int {
        guard let c = collectionBytes, let e = entityBytes else { return stored }
        func varint(_ v: UInt64) -> Int { v < 0x80 ? 1 : 1 + varint(v >> 7) }
        let f = fieldBytes.map { varint(UInt64($0)) + $0 } ?? 0
        return stored + 1 + 16 + varint(seq) + varint(UInt64(c)) + c + varint(UInt64(e)) + e + f
    }
}
