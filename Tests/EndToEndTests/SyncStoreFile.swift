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
            let rows = try db.query("SELECT hex(origin), seq, body FROM ops") { row in
                (OpKey(origin: (row.string(0) ?? "").lowercased(), seq: row.int64(1) ?? -1), row.blob(2) ?? [])
            }
            for (key, body) in rows { ops[key] = body }
            return Contents(integrity: integrity, ops: ops)
        }
    }
}
