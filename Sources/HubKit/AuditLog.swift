import Foundation
import Crypto
import SQLite
import SyncEngine
import SyncProtocol

/// The hub's tamper-evident audit log (DESIGN.md "Security and privacy"): one entry per command
/// or request that reads or changes a report, case, referral, node, key or export — who, when,
/// what, never report content. `missionhub audit verify` proves it intact (`AuditChain`).
///
/// Invariants (the entry format is `AuditEntry`'s):
/// 1. `hub_audit` lives in `hub.sqlite`, so every backup carries the log up to the moment it was
///    taken: evidence travels with the reports. Rows are only ever appended: triggers refuse
///    UPDATE and DELETE (a guard against the program's own mistakes; someone editing the file
///    can drop them — the hashes are what catch that).
/// 2. Entry n's `prev_hash` is entry n−1's `hash` (the first's is 32 zero bytes), and `hash` is
///    SHA-256 over `prev_hash` and the entry's canonical bytes. `seq` is 1, 2, 3… in order.
/// 3. An entry is written in the transaction of the change it records (`record(in:)`: a
///    store transaction's `local`, a registry transaction, a merge observer), so a change
///    never commits without its entry nor an entry without its change. A read (a report
///    opened, a listing) is recorded before its result is shown.
/// 4. Targets name things by id — report entity id and reference, node id and name, token id,
///    key id, file paths, counts, filter names — never a field's value. Free-text filters
///    (`report list --area`) are recorded as given without their text.
/// 5. A second anchor in `registry.sqlite` (which no backup or restore touches):
///    `registry_meta.audit_count` and `audit_head`, the seq and hash of the last entry, written
///    with every entry. An entry about to be written under an anchor that is not the chain's
///    head is preceded by an `audit.anchor-mismatch` entry naming both, so cutting the tail of
///    hub.sqlite (or swapping in an older file) stays on record even after the hub writes on.
///    A restore (`hub.restore`) and a rollback found at start (`hub.rolled-back`) continue from
///    the restored file's chain and name the head they replaced instead.
/// 6. Times are the hub's clock, ms since the Unix epoch. A field change released from
///    quarantine is dated when the hub received it; the release is an entry of its own.
public enum AuditLog {
    static let table = "hub_audit"

    /// The table, its guards, and an index for `audit list --action`.
    static let migration = LocalMigration("hub-0008-audit-log") { db in
        try db.execute("""
            CREATE TABLE main.hub_audit(
                seq INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor_kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
                hash BLOB NOT NULL CHECK (length(hash) = 32)) STRICT;
            CREATE INDEX main.hub_audit_action ON hub_audit(action, seq);
            CREATE TRIGGER main.hub_audit_append_only_update BEFORE UPDATE ON hub_audit
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER main.hub_audit_append_only_delete BEFORE DELETE ON hub_audit
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """)
    }

    /// The position and hash of an entry: the chain's head, or an anchor.
    public struct Head: Sendable, Equatable {
        public let count: Int64
        public let hash: [UInt8]

        public static let empty = Head(count: 0, hash: AuditEntry.genesis)
    }

    // MARK: Writing

    /// Appends an entry (rule 3: call it inside the transaction of the change it records, on
    /// that transaction's connection).
    public static func record(in db: Database, actor: AuditActor, action: AuditAction, target: [String: String],
                              at time: UInt64) throws {
        var head = try self.head(db)
        var target = target
        if let anchor = try anchor(db), anchor != head {
            if action.resetsAnchor {
                target["replacedCount"] = String(anchor.count)
                target["replacedHead"] = Hex.encode(anchor.hash)
            } else {
                head = try append(db, after: head, actor: .hub, action: .anchorMismatch, target: [
                    "anchorCount": String(anchor.count), "anchorHead": Hex.encode(anchor.hash),
                    "chainCount": String(head.count), "chainHead": Hex.encode(head.hash),
                ], at: time)
            }
        }
        head = try append(db, after: head, actor: actor, action: action, target: target, at: time)
        try db.cachedStatement("""
            INSERT INTO registry.registry_meta(key, value) VALUES ('audit_count', ?1), ('audit_head', ?2)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """).execute([.integer(head.count), .blob(head.hash)])
    }

    /// Appends an entry in a store transaction (rule 3).
    public static func record(in tx: StoreTransaction, actor: AuditActor, action: AuditAction, target: [String: String],
                              at time: UInt64) throws {
        try tx.local { db in try record(in: db, actor: actor, action: action, target: target, at: time) }
    }

    /// How long `record(store:)` keeps trying for the write lock while another process holds it.
    public static let busyPatience: Duration = .seconds(30)

    /// Appends an entry in a transaction of its own: for reads, recorded before they are shown.
    ///
    /// The entry needs the write lock, which another process (`missionhub serve`, committing
    /// back to back) may hold at every moment SQLite's busy handler looks: its waits grow to
    /// 100 ms, so a steady writer can starve it past the busy timeout (`SQLITE_BUSY`: a backup
    /// taken while the hub serves failed after the copy). So a busy store is tried again, every
    /// few milliseconds, for up to `busyPatience`; only then is the error thrown.
    public static func record(store: Store, actor: AuditActor, action: AuditAction, target: [String: String],
                              at time: UInt64, patience: Duration = busyPatience) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        while true {
            do {
                try store.local { db in
                    try db.inTransaction(.immediate) { try record(in: db, actor: actor, action: action, target: target, at: time) }
                }
                return
            } catch let error as StoreError where isBusy(error) && clock.now < deadline {
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
    }

    /// True when `error` is SQLite's `BUSY` or `LOCKED`: another connection holds the lock.
    static func isBusy(_ error: StoreError) -> Bool {
        guard error.code == .database, let code = error.underlying?.code else { return false }
        return code == .busy || code == .locked
    }

    private static func append(_ db: Database, after head: Head, actor: AuditActor, action: AuditAction,
                               target: [String: String], at time: UInt64) throws -> Head {
        let entry = AuditEntry.make(seq: head.count + 1, at: time, actor: actor, action: action, target: target, previous: head.hash)
        try db.cachedStatement("INSERT INTO main.hub_audit(\(AuditEntry.columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)").execute([
            .integer(entry.seq), entry.at.databaseValue, .text(entry.actorKind), .text(entry.actor), .text(entry.action),
            .text(entry.target), .blob(entry.previousHash), .blob(entry.hash),
        ])
        return Head(count: entry.seq, hash: entry.hash)
    }

    // MARK: Reading

    /// The last entry's seq and hash, or `Head.empty`.
    static func head(_ db: Database) throws -> Head {
        try db.cachedStatement("SELECT seq, hash FROM main.hub_audit ORDER BY seq DESC LIMIT 1")
            .queryFirst([]) { Head(count: $0.int64(0) ?? 0, hash: $0.blob(1) ?? []) } ?? .empty
    }

    /// The registry's anchor (rule 5), nil before the first entry.
    static func anchor(_ db: Database) throws -> Head? {
        let rows = try db.cachedStatement("SELECT key, value FROM registry.registry_meta WHERE key IN ('audit_count', 'audit_head')")
            .query([]) { ($0.string(0) ?? "", $0[1]) }
        guard case .integer(let count)? = rows.first(where: { $0.0 == "audit_count" })?.1,
              case .blob(let hash)? = rows.first(where: { $0.0 == "audit_head" })?.1 else { return nil }
        return Head(count: count, hash: hash)
    }

    /// Every entry in seq order, and the registry's anchor, read in one snapshot. Blocking.
    public static func load(store: Store) throws -> (entries: [AuditEntry], anchor: Head?) {
        try store.local { db in
            try db.inTransaction(.deferred) {
                (try db.query("SELECT \(AuditEntry.columns) FROM main.hub_audit ORDER BY seq") { AuditEntry($0) }, try anchor(db))
            }
        }
    }

    /// The entries from `since` (ms) on, of `action` when given, in seq order. Blocking.
    public static func entries(store: Store, since: UInt64?, action: String?) throws -> [AuditEntry] {
        var clauses: [String] = []
        var arguments: [DatabaseValue] = []
        if let since {
            clauses.append("at >= ?\(arguments.count + 1)")
            arguments.append(since.databaseValue)
        }
        if let action {
            // `report` matches every `report.*` action; `report.show` that one.
            clauses.append("(action = ?\(arguments.count + 1) OR action GLOB ?\(arguments.count + 2))")
            arguments += [.text(action), .text(action + ".*")]
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try store.local { db in
            try db.query("SELECT \(AuditEntry.columns) FROM main.hub_audit \(filter) ORDER BY seq", arguments) { AuditEntry($0) }
        }
    }
}
