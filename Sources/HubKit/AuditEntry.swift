import Crypto
import SyncProtocol
import JSON
import SQLite

/// One row of `hub_audit`, as stored (`AuditLog` owns the format).
///
/// Canonical bytes of an entry (what its hash covers besides the previous hash), in order:
///
///     "fieldsync-audit-v1" 0x00
///     at          u64 big-endian, ms since the Unix epoch (the hub's clock)
///     actor_kind  u32 big-endian byte length, then UTF-8 (`admin`, `node`, `hub`)
///     actor       u32 length, UTF-8 (Unix user, node id hex, `missionhub`)
///     action      u32 length, UTF-8 (`AuditAction` raw value)
///     target      u32 length, UTF-8: the stored JSON text, exactly as stored
///
/// hash = SHA-256(prev_hash ‖ canonical bytes); prev_hash of the first entry is 32 zero bytes.
/// `seq` is the row's position only: it is not hashed, so an entry moved, inserted or removed
/// shows as a break in the chain of hashes, whatever numbers the rows carry.
public struct AuditEntry: Sendable, Equatable {
    public let seq: Int64
    public let at: UInt64
    public let actorKind: String
    public let actor: String
    public let action: String
    /// A JSON object of strings, keys sorted: report id/ref, node id, token id, key id, counts.
    public let target: String
    public let previousHash: [UInt8]
    public let hash: [UInt8]

    static let magic = Array("fieldsync-audit-v1".utf8) + [0]
    public static let genesis = [UInt8](repeating: 0, count: SHA256.byteCount)

    /// The canonical bytes above.
    var canonical: [UInt8] {
        var out = Self.magic
        out.reserveCapacity(out.count + 8 + 16 + actorKind.utf8.count + actor.utf8.count + action.utf8.count + target.utf8.count)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: at >> UInt64(shift))) }
        for text in [actorKind, actor, action, target] {
            let count = UInt32(text.utf8.count)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: count >> UInt32(shift))) }
            out.append(contentsOf: text.utf8)
        }
        return out
    }

    /// The hash this entry's content gives after `previousHash`.
    var computedHash: [UInt8] { Self.hash(previous: previousHash, canonical: canonical) }

    static func hash(previous: [UInt8], canonical: [UInt8]) -> [UInt8] { SHA256.hash(previous + canonical) }

    /// A new entry after `previous`, with its hash.
    static func make(seq: Int64, at: UInt64, actor: AuditActor, action: AuditAction, target: [String: String],
                     previous: [UInt8]) -> AuditEntry {
        let text = JSON.encode(.object(JSONObject(pairs: target.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        let draft = AuditEntry(seq: seq, at: at, actorKind: actor.kind.rawValue, actor: actor.name, action: action.rawValue,
                               target: text, previousHash: previous, hash: [])
        return AuditEntry(seq: seq, at: at, actorKind: draft.actorKind, actor: draft.actor, action: draft.action,
                          target: text, previousHash: previous, hash: draft.computedHash)
    }

    /// The target's members (empty when the stored text is not an object of strings).
    public var targetMembers: [(String, String)] {
        guard let object = (try? JSON.parse(target))?.objectValue else { return [] }
        return object.map { ($0.key, $0.value.stringValue ?? JSON.encode($0.value)) }
    }

    /// `#12 2026-11-23T19:04:10Z report.show by alice (admin)`: how messages name an entry.
    var label: String {
        "#\(seq) (\(TimeText.rfc3339(milliseconds: at)), \(action) by \(actor) (\(actorKind)))"
    }

    static let columns = "seq, at, actor_kind, actor, action, target, prev_hash, hash"

    init(seq: Int64, at: UInt64, actorKind: String, actor: String, action: String, target: String,
         previousHash: [UInt8], hash: [UInt8]) {
        self.seq = seq
        self.at = at
        self.actorKind = actorKind
        self.actor = actor
        self.action = action
        self.target = target
        self.previousHash = previousHash
        self.hash = hash
    }

    /// A row selected with `columns`.
    init(_ row: Row) {
        self.init(seq: row.int64(0) ?? 0, at: row.unsigned(1) ?? 0, actorKind: row.string(2) ?? "", actor: row.string(3) ?? "",
                  action: row.string(4) ?? "", target: row.string(5) ?? "", previousHash: row.blob(6) ?? [], hash: row.blob(7) ?? [])
    }
}
