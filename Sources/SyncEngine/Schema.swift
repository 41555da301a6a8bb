import SQLite

/// The store's on-disk format.
///
/// Invariants (checked by the code that writes each table, and by `Store.verify`):
/// 1. `ops` holds every op this replica has received or created, exactly once per
///    (origin, seq). `local_seq` is this replica's arrival number, taken from `meta.next_local_seq`
///    in the inserting transaction: strictly increasing, never reused, so a pull cursor can never
///    skip an op (an op released from quarantine gets a new number).
/// 1a. Since `0004-compact-ops`, `ops` is keyed by (origin_id, seq): origins are interned in
///    `origin_ids` (16 bytes once, not in every op and every index entry), and a merged op's
///    entity in `entities` (`entity_id`) and field name in `field_names` (`field_id`, NULL for an
///    exist op). `body` is then the op's canonical encoding without the id, collection, entity and
///    field its columns hold (`StoredBody`, `OpCodec.stripped`); a quarantined op has `entity_id`
///    and `field_id` NULL and its whole encoding. `OpCodec.assemble` gives the received bytes back
///    exactly, by concatenation.
/// 1b. `ops_scope` (scope, local_seq) serves pulls only, and no node serves pulls: it leaves out
///    the local scope (id 2), which holds every op of a node and none of a hub. A query that uses
///    it must carry `scopeIndexCondition` as a term of its own.
/// 2. An op is merged into state (entities, registers, conflicts, superseded, set_*) in the same
///    transaction that inserts it. Quarantined ops have scope 1 (`quarantine`) and touch no state
///    table. Scope names are interned in `scopes`; ids 1–4 are fixed (quarantine, local, hub, ref).
/// 2a. Entities are interned: `entities.id` keys every state table, so a long entity id is stored
///    once, not in every field's row.
/// 2b. `quarantine` has exactly one row per op of scope 1, with its origin, seq, hlc (milliseconds
///    and counter, so the index orders like the HLC), collection, entity and arrival time: the
///    release check is a range probe on `quarantine_hlc`, the admin listing never reads bodies.
///    At most `StoreOptions.maxQuarantinedPerOrigin` rows per origin: a batch that would exceed
///    it is refused whole.
/// 3. A set op Y *overrides* X iff they write the same register, Y lists X in `supersedes` and
///    Y.rank ≥ X.rank. `superseded` holds, per (entity, field, listed id), the highest rank of
///    the set ops that list it. The heads of a register are its set ops no held op overrides:
///    `registers` holds the highest head by (rank, hlc, origin, seq), `conflicts` every other
///    head, and a register without heads has no row in either.
/// 4. A set element is present iff `set_adds` has a tag for it that `set_removed` does not.
/// 5. `entities.causal_length` is the maximum causal length of the entity's exist ops.
/// 6. `origins` is the version vector: for each origin, `contiguous` is the highest n such that
///    ops 1…n are all stored (merged or quarantined), `max_seq` the highest stored.
/// 7. `meta.hlc` is the clock's `last` (spec §4), written in the same transaction as every op
///    this replica stamps or admits, so the clock never goes backwards across a restart — except
///    by the recovery of a clock that was more than `maxDriftMilliseconds` ahead of the wall.
/// 8. A peer cursor (`peers`) only moves forward and is written in the transaction that stored
///    the ops it covers (the PouchDB lesson) — except when the peer starts a new epoch (it was
///    restored from a backup, spec §13.7): then `pull_cursor` returns to 0 and
///    `acks_verified` to 0 in one transaction with the new `epoch`, until an acknowledgement
///    from the new epoch says again what the peer holds.
/// 9. `meta.node_id` is the origin of this replica's own ops. A replica restored from a backup
///    takes a new one (`Store.prepareRestoredCopy`), keeping the first in `meta.identity`, so
///    it never reissues an op id that the lost original issued after the backup.
/// 10. Order independence: every state table (invariants 3–5) is a function of the *set* of merged
///    ops — a maximum, a set difference, or "heads minus the overridden" — never of their arrival
///    order or multiplicity. So state can always be rebuilt from `ops` alone (migration
///    `0002-override-quarantine` does it for the registers).
enum Schema {
    /// The engine's own tables: no caller's statement may write them (`StoreTransaction.local`).
    /// The condition of the partial index `ops_scope` (invariant 1b).
    static let scopeIndexCondition = "scope <> \(MergeContext.localScope)"

    static let engineTables: Set<String> = ["meta", "scopes", "ops", "origin_ids", "field_names", "origins", "entities", "registers", "conflicts",
                                            "superseded", "set_adds", "set_removed", "peers", "quarantine", "schema_migrations"]

    /// The engine's migrations followed by the caller's local ones (see `LocalMigration`).
    static func migrator(local: [LocalMigration]) -> DatabaseMigrator {
        var m = migrator
        for migration in local { m.registerMigration(migration.name, migration.migrate) }
        return m
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("0001-core") { db in
            try db.execute("""
                CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value ANY) STRICT;
                CREATE TABLE scopes(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;
                CREATE TABLE ops(
                    origin BLOB NOT NULL CHECK (length(origin) = 16),
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    local_seq INTEGER NOT NULL,
                    scope INTEGER NOT NULL REFERENCES scopes(id),
                    received_at INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    PRIMARY KEY (origin, seq)) STRICT, WITHOUT ROWID;
                CREATE INDEX ops_scope ON ops(scope, local_seq);
                CREATE TABLE origins(
                    origin BLOB PRIMARY KEY NOT NULL,
                    contiguous INTEGER NOT NULL,
                    max_seq INTEGER NOT NULL) STRICT, WITHOUT ROWID;
                CREATE TABLE entities(
                    id INTEGER PRIMARY KEY,
                    collection TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    causal_length INTEGER NOT NULL DEFAULT 0,
                    owner BLOB,
                    first_hlc INTEGER NOT NULL,
                    last_hlc INTEGER NOT NULL,
                    UNIQUE (collection, entity)) STRICT;
                CREATE TABLE registers(
                    entity_id INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    vtype INTEGER NOT NULL,
                    value ANY,
                    rank INTEGER NOT NULL,
                    hlc INTEGER NOT NULL,
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (entity_id, field)) STRICT, WITHOUT ROWID;
                CREATE INDEX registers_ref ON registers(value) WHERE field = 'ref';
                CREATE TABLE conflicts(
                    entity_id INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    vtype INTEGER NOT NULL,
                    value ANY,
                    rank INTEGER NOT NULL,
                    hlc INTEGER NOT NULL,
                    PRIMARY KEY (entity_id, field, origin, seq)) STRICT, WITHOUT ROWID;
                CREATE TABLE superseded(
                    entity_id INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (entity_id, field, origin, seq)) STRICT, WITHOUT ROWID;
                CREATE TABLE set_adds(
                    entity_id INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    etype INTEGER NOT NULL,
                    element ANY,
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (entity_id, field, etype, element, origin, seq)) STRICT, WITHOUT ROWID;
                CREATE TABLE set_removed(
                    entity_id INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    etype INTEGER NOT NULL,
                    element ANY,
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (entity_id, field, etype, element, origin, seq)) STRICT, WITHOUT ROWID;
                CREATE TABLE peers(
                    peer TEXT PRIMARY KEY NOT NULL,
                    push_acked INTEGER NOT NULL DEFAULT 0,
                    pull_cursor INTEGER NOT NULL DEFAULT 0,
                    last_success INTEGER,
                    last_attempt INTEGER,
                    last_error TEXT,
                    clock_offset_ms INTEGER) STRICT;
                INSERT INTO scopes(id, name) VALUES (1, 'quarantine'), (2, 'local'), (3, 'hub'), (4, 'ref');
                """)
        }
        m.registerMigration("0002-override-quarantine") { db in
            // Invariant 3 now needs the highest rank that lists each id: rebuild the register
            // tables from the op log. Invariant 2b: index the ops already in quarantine.
            try db.execute("""
                DROP TABLE superseded;
                CREATE TABLE superseded(
                    entity_id INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    rank INTEGER NOT NULL,
                    PRIMARY KEY (entity_id, field, origin, seq)) STRICT, WITHOUT ROWID;
                CREATE TABLE quarantine(
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    hlc_ms INTEGER NOT NULL,
                    hlc_counter INTEGER NOT NULL,
                    collection TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    PRIMARY KEY (origin, seq)) STRICT, WITHOUT ROWID;
                CREATE INDEX quarantine_hlc ON quarantine(hlc_ms, hlc_counter);
                """)
            if try db.scalar("SELECT 1 FROM ops LIMIT 1", as: Int64.self) != nil {
                try RegisterMerger.rebuild(db)
                try Quarantine.rebuild(db)
            }
        }
        m.registerMigration("0003-peer-epoch") { db in
            try db.execute("""
                ALTER TABLE peers ADD COLUMN epoch TEXT;
                ALTER TABLE peers ADD COLUMN acks_verified INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE peers ADD COLUMN held_at_peer INTEGER NOT NULL DEFAULT 0;
                """)
        }
        m.registerMigration(OpLogCompaction.name, OpLogCompaction.migrate)
        return m
    }
}

/// A migration for per-replica tables that are not replicated (the hub's device registry, its
/// enrollment tokens, request counters …). Names must be unique and stable, e.g. `hub-0001-nodes`.
public struct LocalMigration: Sendable {
    public let name: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ name: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }
}
