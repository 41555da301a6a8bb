import SQLite
import SyncEngine

/// The hub's own, non-replicated tables in `hub.sqlite` (`StoreOptions.localMigrations`).
///
/// Invariants:
/// 1. The device registry and tokens are NOT here: they live in `registry.sqlite`
///    (`RegistrySchema`), which backups and restores of this file leave alone. Migrations
///    0001–0003 created them here; 0004 moves their rows there and drops them.
/// 2. No private key is here (it would sit in every backup): `hub_sealing_keys` holds the
///    public halves of the hub's X25519 sealing keys; the private halves are files
///    (`SealingKeyFiles`). Migration 0006 moved keys that older stores kept in `hub_keys`.
/// 3. Times are milliseconds since the Unix epoch.
/// 4. `hub_report_events` has one row per op from the field that changed a report after the hub
///    received it (`hub.receivedAt` set before the op merged): `withdrawn` (an exist op that
///    deleted it), `recreated` (an exist op that brought it back), `set`/`add`/`remove` on a
///    field. It names the op by (origin, seq) and `received_at` is when the hub received the
///    op. `hub_report_prior` lists, per event, the ops whose values the field showed just
///    before (register heads, or the set's add tags). Content stays in the op bodies, never
///    here. Rows are written by `ReportEvents` in the transaction that merges the op, never
///    changed, never deleted.
/// 5. `hub_report_index`: one row per report, the fields a listing shows or filters on, kept
///    equal to the state by `ReportIndex` in the transaction of every change (migrations 0007
///    and 0009 fill it).
/// 6. `hub_audit`: the hash-chained audit log (`AuditLog`), appended in the transaction of what
///    it records, never changed.
enum HubSchema {
    /// The migrations; `keysDirectory` is where 0006 writes private keys it moves out.
    static func migrations(keysDirectory: String) -> [LocalMigration] { legacy + [
        LocalMigration("hub-0004-registry-apart") { db in
            // The registry is attached as `registry` (RegistrySchema) before migrations run.
            try db.execute("""
                INSERT OR IGNORE INTO registry.hub_nodes(node_id, name, public_key, enrolled_at, revoked_at, last_counter,
                                                         last_contact, last_protocol, last_error, last_backlog)
                    SELECT node_id, name, public_key, enrolled_at, revoked_at, last_counter,
                           last_contact, last_protocol, last_error, last_backlog FROM main.hub_nodes;
                INSERT OR IGNORE INTO registry.hub_tokens(token_hash, name, created_at, expires_at, used_at, used_by, used_key)
                    SELECT token_hash, name, created_at, expires_at, used_at, used_by, used_key FROM main.hub_tokens;
                DROP TABLE main.hub_nodes;
                DROP TABLE main.hub_tokens;
                """)
        },
        LocalMigration("hub-0006-sealing-keys-apart") { db in
            try db.execute("PRAGMA main.secure_delete = ON")
            let pairs = try db.query("SELECT key_id, private_key, public_key, created_at FROM main.hub_keys") { row in
                (row.blob(0) ?? [], row.blob(1) ?? [], row.blob(2) ?? [], row.unsigned(3) ?? 0)
            }
            for (id, privateKey, _, _) in pairs {
                try SealingKeyFiles(directory: keysDirectory).write(keyID: id, privateKey: privateKey)
            }
            try db.execute("""
                CREATE TABLE main.hub_sealing_keys(
                    key_id BLOB PRIMARY KEY NOT NULL,
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    created_at INTEGER NOT NULL);
                INSERT INTO main.hub_sealing_keys(key_id, public_key, created_at) SELECT key_id, public_key, created_at FROM main.hub_keys;
                DROP TABLE main.hub_keys;
                """)
        },
        ReportIndex.migration,
        AuditLog.migration,
        ReportIndex.filterMigration,
    ] }

    /// The first migrations, as they shipped (kept so that older stores upgrade step by step).
    static let legacy: [LocalMigration] = [
        LocalMigration("hub-0001-nodes") { db in
            try db.execute("""
                CREATE TABLE main.hub_nodes(
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
                CREATE TABLE main.hub_tokens(
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
                CREATE TABLE main.hub_keys(
                    key_id BLOB PRIMARY KEY NOT NULL,
                    private_key BLOB NOT NULL CHECK (length(private_key) = 32),
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    created_at INTEGER NOT NULL
                )
                """)
        },
        LocalMigration("hub-0003-backlog") { db in
            // What the node last reported as not yet acknowledged (`FS-Backlog`), NULL until then.
            try db.execute("ALTER TABLE main.hub_nodes ADD COLUMN last_backlog INTEGER")
        },
        // Names only need to be unique; the order of registration is the order applied.
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
