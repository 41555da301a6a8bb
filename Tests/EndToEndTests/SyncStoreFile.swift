import Foundation
import SQLite

/// A store file read from outside, read-only, with a plain SQLite connection (the programs
/// may still be running: WAL lets a reader in). Used to prove what the programs' own output
/// cannot: that the file is intact and which ops it holds, byte for byte.
enum SyncStoreFile {
    /// One op's identity: its origin node (hex) and its sequence number.
    struct OpKey: Sendable, Hashable, CustomStringConvertible {
        let origin: String
        let seq: Int64
        var description: String { "\(origin.prefix(8))…#\(seq)" }
    }

    /// What a store file holds.
    struct Contents: Sendable {
        /// `PRAGMA integrity_check`: `["ok"]` when intact.
        let integrity: [String]
        /// Every op, by key: its encoded body.
        let ops: [OpKey: [UInt8]]

        /// The sequence numbers held for `origin`, ascending.
        func seqs(of origin: String) -> [Int64] {
            ops.keys.filter { $0.origin == origin }.map(\.seq).sorted()
        }

        /// n when `origin`'s ops here are exactly seq 1…n (0 when there are none); nil when
        /// one is missing.
        func prefix(of origin: String) -> Int? {
            let held = seqs(of: origin)
            return held.enumerated().allSatisfy { Int64($0.offset + 1) == $0.element } ? held.count : nil
        }
    }

    /// Opens `path` read-only and reads its integrity and its op log.
    static func read(_ path: String) async throws -> Contents {
        try await blocking {
            let db = try Database(path: path, options: DatabaseOptions(readOnly: true, create: false))
            defer { try? db.close() }  // read-only: a failed close loses nothing
            let integrity = try db.integrityCheck()
            var ops: [OpKey: [UInt8]] = [:]
            let rows = try db.query("""
                SELECT hex(n.origin), o.seq, o.body, n.origin, e.collection, e.entity, f.name FROM ops o
                JOIN origin_ids n ON n.id = o.origin_id LEFT JOIN entities e ON e.id = o.entity_id
                LEFT JOIN field_names f ON f.id = o.field_id
                """) { row in
                (OpKey(origin: (row.string(0) ?? "").lowercased(), seq: row.int64(1) ?? -1),
                 canonical(row.blob(2) ?? [], origin: row.blob(3) ?? [], seq: row.int64(1) ?? 0, collection: row.string(4),
                           entity: row.string(5), field: row.string(6)))
            }
            for (key, body) in rows { ops[key] = body }
            return Contents(integrity: integrity, ops: ops)
        }
    }

    /// An op's canonical bytes from its row (the store's Schema invariant 1a), written out here
    /// so that this reader shares no code with the store it checks: a merged op's body lacks the
    /// version byte, origin and seq before its 8-byte hlc, collection and entity after it, and the
    /// field name after the action's tag byte.
    static func canonical(_ body: [UInt8], origin: [UInt8], seq: Int64, collection: String?, entity: String?, field: String?) -> [UInt8] {
        guard let collection, let entity else { return body }
        func varint(_ value: UInt64) -> [UInt8] {
            var v = value, out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        func name(_ s: String) -> [UInt8] { varint(UInt64(s.utf8.count)) + Array(s.utf8) }
        return [0x01] + origin + varint(UInt64(seq)) + body.prefix(8) + name(collection) + name(entity) + body.dropFirst(8).prefix(1)
            + (field.map(name) ?? []) + body.dropFirst(9)
    }
}
