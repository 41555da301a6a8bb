import SQLite
import SyncEngine

/// The hub's own, non-replicated tables (`StoreOptions.localMigrations`).
///
/// Invariants:
/// 1. `hub_nodes` has one row per node id ever enrolled. `name` is unique; `public_key` is the
///    raw 32-byte Ed25519 key of the device. `last_counter` (u64 stored as its 64-bit pattern)
///    only grows, and is written before the hub acts on a request body (spec §10.2).
///    `revoked_at` set: every signed request from the node is refused with `revoked`.
/// 2. `hub_tokens` holds SHA-256 of each enrollment token, never the token. A token is usable
///    iff `used_at` is NULL and `expires_at` is in the future; redeeming sets `used_at`,
///    `used_by` (node id) and `used_key` (public key) in the transaction that enrolls the node,
///    so a lost answer can be repeated to the same device and no one else.
/// 3. `hub_keys` holds the hub's X25519 sealing key pair (created by `init`); nodes seal
///    sensitive fields to the public key. It lives in the store so a backup carries it.
/// 4. Times are milliseconds since the Unix epoch.
/// 5. `hub_report_events` has one row per op from the field that changed a report after the hub
///    received it (`hub.receivedAt` set before the op merged): `withdrawn` (an exist op that
///    deleted it), `recreated` (an exist op that brought it back), `set`/`add`/`remove` on a
///    field. It names the op by (origin, seq) and `received_at` is when the hub received the
///    op. `hub_report_prior` lists, per event, the ops whose values the field showed just
///    before (register heads, or the set's add tags). Content stays in the op bodies, never
///    here. Rows are written by `ReportEvents` in the transaction that merges the op, never
///    changed, never deleted.
enum HubSchema {
    static let migrations: [LocalMigration] = [
        LocalMigration("hub-0001-nodes") { db in
            try db.execute("""
                CREATE TABLE hub_nodes(
                    node_id BLOB PRIMARY KEY NOT NULL CHECK (length(node_id) = 16),
                    name TEXT NOT NULL UNIQUE,
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    enrolled_at INTEGER NOT NULL,
                    revoked_at INTEGER,
                    last_counter INTEGER NOT NULL DEFAULT 0,
                    last_contact INTEGER,
                    last_protocol INTEGER,
                    last_error TEXT
                )
                """)
            try db.execute("""
                CREATE TABLE hub_tokens(
                    token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
                    name TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER,
                    used_by BLOB,
                    used_key BLOB
                )
                """)
        },
        LocalMigration("hub-0002-keys") { db in
            try db.execute("""
                CREATE TABLE hub_keys(
                    key_id BLOB PRIMARY KEY NOT NULL,
                    private_key BLOB NOT NULL CHECK (length(private_key) = 32),
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    created_at INTEGER NOT NULL
                )
                """)
        },
        LocalMigration("hub-0003-backlog") { db in
            // What the node last reported as not yet acknowledged (`FS-Backlog`), NULL until then.
            try db.execute("ALTER TABLE hub_nodes ADD COLUMN last_backlog INTEGER")
        },
        // `hub-0004-…` is taken by another change in flight; the names only need to be unique.
        LocalMigration("hub-0005-report-events") { db in
            try db.execute("""
                CREATE TABLE hub_report_events(
                    id INTEGER PRIMARY KEY,
                    entity TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('withdrawn', 'recreated', 'set', 'add', 'remove')),
                    field TEXT,
                    origin BLOB NOT NULL CHECK (length(origin) = 16),
                    seq INTEGER NOT NULL,
                    received_at INTEGER NOT NULL,
                    UNIQUE (origin, seq)) STRICT;
                CREATE INDEX hub_report_events_entity ON hub_report_events(entity, id);
                CREATE TABLE hub_report_prior(
                    event INTEGER NOT NULL REFERENCES hub_report_events(id),
                    origin BLOB NOT NULL CHECK (length(origin) = 16),
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (event, origin, seq)) STRICT, WITHOUT ROWID;
                """)
        },
    ]
}

extension Row {
    /// A u64 stored as its 64-bit pattern (how `UInt64` binds), or nil for NULL.
    func unsigned(_ index: Int) -> UInt64? { value(index, as: UInt64.self) }
}
