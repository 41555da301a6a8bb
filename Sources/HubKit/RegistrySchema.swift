import SQLite
import SyncEngine

/// The hub's security state: `registry.sqlite` in the data directory, attached to the store's
/// connection as schema `registry` (`StoreAttachment`).
///
/// Why a file of its own: `missionhub backup` copies `hub.sqlite` only, and `missionhub
/// restore` replaces `hub.sqlite` only, so restoring the reports from an old backup never
/// rolls back a security decision made since — a revocation, a spent or cancelled token, a
/// replay counter — nor forgets a laptop enrolled since (issue 14, part 1).
///
/// Invariants:
/// 1. `hub_nodes` has one row per node id ever enrolled. `name` is unique; `public_key` is the
///    raw 32-byte Ed25519 key of the device, never changed for a node id (`NodeKeys` caches it). `last_counter` (u64 stored as its 64-bit pattern)
///    only grows, and is written in the transaction of what the request changes, ahead of it, and
///    committed before the request is answered (spec §10.2, `NodeRegistry.accept`).
///    `revoked_at` set: every signed request from the node is refused with `revoked`, for ever
///    (a revoked node id never enrolls again).
/// 2. `hub_tokens` holds SHA-256 of each enrollment token, never the token. A token is usable
///    iff `used_at` and `cancelled_at` are NULL and `expires_at` is in the future; redeeming
///    sets `used_at`, `used_by` (node id) and `used_key` (public key) in the transaction that
///    enrolls the node, so a lost answer can be repeated to the same device and no one else.
/// 3. `registry_meta`: `hub_id` (the hub's identity, 16 bytes), `epoch` (the store's current
///    epoch, text), `writers` (every writer node id the hub's store has used, 16 bytes each),
///    `local_seq_mark` and `writer_seq_mark` (the store's next hub sequence and its own
///    highest seq as last seen; a store found below them was rolled back — `HubEpoch`).
/// 4. Times are milliseconds since the Unix epoch. The schema version is
///    `PRAGMA registry.user_version`.
enum RegistrySchema {
    static let schema = "registry"
    static let fileName = "registry.sqlite"
    static let version: Int64 = 1

    static func attachment(dataDirectory: String) -> StoreAttachment {
        StoreAttachment(schema: schema, path: dataDirectory + "/" + fileName) { db in try prepare(db) }
    }

    /// Creates the tables of a new registry; refuses a registry from a newer program.
    static func prepare(_ db: Database) throws {
        let current = try db.scalar("PRAGMA registry.user_version", as: Int64.self) ?? 0
        guard current <= version else {
            throw StoreError(.incompatible, "registry.sqlite was written by a newer missionhub (schema \(current)); upgrade this program")
        }
        guard current < version else { return }
        try db.inTransaction(.immediate) {
            try db.execute("""
                CREATE TABLE registry.hub_nodes(
                    node_id BLOB PRIMARY KEY NOT NULL CHECK (length(node_id) = 16),
                    name TEXT NOT NULL UNIQUE,
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    enrolled_at INTEGER NOT NULL,
                    revoked_at INTEGER,
                    last_counter INTEGER NOT NULL DEFAULT 0,
                    last_contact INTEGER,
                    last_protocol INTEGER,
                    last_error TEXT,
                    last_backlog INTEGER);
                CREATE TABLE registry.hub_tokens(
                    token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
                    name TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER,
                    used_by BLOB,
                    used_key BLOB,
                    cancelled_at INTEGER);
                CREATE TABLE registry.registry_meta(key TEXT PRIMARY KEY NOT NULL, value ANY) STRICT;
                PRAGMA registry.user_version = 1;
                """)
        }
    }
}
