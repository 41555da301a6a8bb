import SQLite
import SyncProtocol

/// How `ops.body` holds an op's canonical encoding (Schema invariant 1a).
///
/// A merged op's entity is interned (`ops.entity_id`) and its origin too (`ops.origin_id`), so
/// the body leaves out what those columns and `seq` already say: it is `OpCodec.stripped`, the hlc
/// and the action (about 40 of a report op's 120 bytes). A quarantined op touches no state table
/// and its entity may have no row: its body is the whole encoding and `entity_id` is NULL.
///
/// The canonical bytes are put back by `OpCodec.assemble`, a concatenation of stored bytes and
/// columns, never a re-encoding: what was received is what is served, hashed and compared.
enum StoredBody {
    /// The columns `canonical(_:at:)` reads, for a query `FROM ops o` joined with `joins`.
    static let columns = "n.origin, o.seq, e.collection, e.entity, o.body"
    static let joins = "JOIN origin_ids n ON n.id = o.origin_id LEFT JOIN entities e ON e.id = o.entity_id"
    /// The id of an origin, as an SQL expression on parameter `?n` (NULL when never stored).
    static func originID(_ parameter: Int) -> String { "(SELECT id FROM origin_ids WHERE origin = ?\(parameter))" }

    /// What to store for `encoded`, the canonical bytes of `op`; `interned` when its entity has a
    /// row (`entity_id` not NULL).
    static func stored(_ encoded: [UInt8], of op: Op, interned: Bool) throws -> [UInt8] {
        guard interned else { return encoded }
        guard let rest = OpCodec.stripped(encoded, id: op.id, collection: op.collection, entity: op.entity) else {
            throw StoreError(.database, "op \(op.id) was given bytes that do not encode its id, collection and entity; this is a bug in the caller")
        }
        return rest
    }

    /// The canonical bytes of the op whose `columns` start at column `b`.
    static func canonical(_ row: Row, at b: Int = 0) throws -> [UInt8] {
        guard let origin = row.nodeID(b), let seq = row.uint64(b + 1), let body = row.blob(b + 4) else {
            throw StoreError(.database, "an op row has no origin, seq or body; run `verify` and restore the store from a backup")
        }
        guard let collection = row.string(b + 2), let entity = row.string(b + 3) else { return body }
        return OpCodec.assemble(OpID(origin: origin, seq: seq), collection: collection, entity: entity, stripped: body)
    }

    /// The length of the canonical bytes, from `length(o.body)`, `seq` and the lengths in bytes of
    /// collection and entity (NULL when the body is whole), without assembling them.
    static func canonicalLength(stored: Int, seq: UInt64, collectionBytes: Int?, entityBytes: Int?) -> Int {
        guard let c = collectionBytes, let e = entityBytes else { return stored }
        func varint(_ v: UInt64) -> Int { v < 0x80 ? 1 : 1 + varint(v >> 7) }
        return stored + 1 + 16 + varint(seq) + varint(UInt64(c)) + c + varint(UInt64(e)) + e
    }
}
