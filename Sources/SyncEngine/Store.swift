import Foundation
import SQLite
import SyncProtocol

/// Another SQLite file on the store's connection, under its own schema name: per-replica state
/// that must NOT travel with the store's backups (`backup(to:)` copies the main file only) and
/// must not be rolled back when the store is restored from one — the hub's device registry,
/// its spent tokens and replay counters. Its tables are named `<schema>.<table>`; a
/// transaction that writes both files is atomic in each file, not across them.
public struct StoreAttachment: Sendable {
    /// The schema name, a plain identifier such as `registry`.
    public let schema: String
    /// The file (created when missing).
    public let path: String
    /// Creates or upgrades the attachment's tables; runs at every open, before the store's
    /// migrations, so it must be idempotent (e.g. keyed on `PRAGMA <schema>.user_version`).
    public let prepare: @Sendable (Database) throws -> Void

    public init(schema: String, path: String, prepare: @escaping @Sendable (Database) throws -> Void) {
        precondition(!schema.isEmpty && schema.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }, "attachment schema names are lowercase identifiers")
        self.schema = schema
        self.path = path
        self.prepare = prepare
    }
}

/// Which side of the protocol a store serves.
public enum ReplicaRole: String, Sendable {
    case node
    case hub
}

/// Settings a store is opened with.
public struct StoreOptions: Sendable {
    /// `FULL` on field laptops (they lose power); the hub may choose `NORMAL` behind a UPS.
    public var synchronous: Synchronous
    /// Ops stamped further ahead of our wall clock than this are quarantined (default 5 min).
    public var maxDriftMilliseconds: UInt64
    /// The wall clock in milliseconds since the epoch; injectable for tests and simulation.
    public var wallClock: @Sendable () -> UInt64
    /// Decides which peers may receive an op (see `ScopePolicy`).
    public var scopePolicy: ScopePolicy
    /// SQLite busy timeout: how long a writer waits for another writer.
    public var busyTimeoutMilliseconds: Int
    /// Migrations for the caller's own non-replicated tables, applied after the engine's.
    public var localMigrations: [LocalMigration]
    /// Other SQLite files attached to the store's connection (see `StoreAttachment`).
    public var attachments: [StoreAttachment]
    /// Sees each op from a peer just before it is merged, in the merging transaction
    /// (Store+Observe.swift); nil: none.
    public var mergeObserver: (any MergeObserver)? = nil
    /// At most this many ops of one origin wait in quarantine; a batch that would hold more is
    /// refused whole (`StoreError.Code.quarantineFull`), so a wrong clock cannot fill the disk.
    public var maxQuarantinedPerOrigin: Int
    /// At most this many callers of `Store.grouped` share one commit (Store+GroupCommit.swift);
    /// 1 gives every caller a commit of its own (the behaviour before group commit).
    public var maxGroupSize: Int = StoreOptions.defaultMaxGroupSize

    public static let defaultMaxQuarantinedPerOrigin = 10_000
    public static let defaultMaxGroupSize = 64

    public init(synchronous: Synchronous = .full,
                maxDriftMilliseconds: UInt64 = HybridClock.defaultMaxDriftMilliseconds,
                wallClock: @escaping @Sendable () -> UInt64 = Store.systemMilliseconds,
                scopePolicy: ScopePolicy = .standard,
                busyTimeoutMilliseconds: Int = 5000,
                localMigrations: [LocalMigration] = [], attachments: [StoreAttachment] = [],
                maxQuarantinedPerOrigin: Int = StoreOptions.defaultMaxQuarantinedPerOrigin) {
        self.synchronous = synchronous
        self.maxDriftMilliseconds = maxDriftMilliseconds
        self.wallClock = wallClock
        self.scopePolicy = scopePolicy
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.localMigrations = localMigrations
        self.attachments = attachments
        self.maxQuarantinedPerOrigin = maxQuarantinedPerOrigin
    }
}

/// A replica's durable store: ops, the state merged from them, clock and peer cursors, in one
/// SQLite file.
///
/// Every method runs its SQLite work on the store's serial queue. The synchronous methods block
/// the caller: call them from a command-line thread, or through `async(_:)` from async code,
/// never directly from Swift's cooperative threads.
public final class Store: @unchecked Sendable {
    // @unchecked: the connection behind `queue` is only touched on that serial queue; every
    // stored property is a `let` of Sendable type or the queue itself.
    public let path: String
    public let nodeID: NodeID
    public let role: ReplicaRole
    public let options: StoreOptions
    let queue: DatabaseQueue
    /// Read connections beside the writer (Store+Readers.swift).
    let readers: ReaderPool
    /// The callers of `grouped` waiting for the next group (Store+GroupCommit.swift).
    let committer: GroupCommitter
    /// Where `async` and the commit groups run their blocking calls: one serial queue per store
    /// (work is serialized at the database anyway), never Swift's cooperative pool nor
    /// Dispatch's global pool, whose threads stall when many of them block.
    let callQueue = DispatchQueue(label: "fieldsync.store.calls")

    public static func systemMilliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    private init(path: String, nodeID: NodeID, role: ReplicaRole, options: StoreOptions, queue: DatabaseQueue) {
        self.path = path
        self.nodeID = nodeID
        self.role = role
        self.options = options
        self.queue = queue
        self.readers = ReaderPool(path: path, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        self.committer = GroupCommitter(maxGroupSize: options.maxGroupSize)
    }

    private static func databaseOptions(_ options: StoreOptions, create: Bool) -> DatabaseOptions {
        var o = DatabaseOptions()
        o.create = create
        o.synchronous = options.synchronous
        o.busyTimeoutMilliseconds = options.busyTimeoutMilliseconds
        return o
    }

    /// Creates a new store at `path` (which must not hold one yet) for a new replica.
    public static func create(path: String, role: ReplicaRole, nodeID: NodeID = .random(),
                              metadata: [String: String] = [:], options: StoreOptions = StoreOptions()) throws -> Store {
        if FileManager.default.fileExists(atPath: path) {
            throw StoreError(.alreadyInitialized, "a store already exists at \(path); use it, or choose another data directory")
        }
        do {
            let queue = try DatabaseQueue(path: path, options: databaseOptions(options, create: true), label: "fieldsync.store")
            try queue.sync { db in
                try attach(options.attachments, db, synchronous: options.synchronous)
                try Schema.migrator(local: options.localMigrations).migrate(db)
                try db.inTransaction(.immediate) {
                    let put = try db.cachedStatement("INSERT INTO meta(key, value) VALUES (?, ?)")
                    try put.execute(["node_id", .blob(nodeID.bytes)])
                    try put.execute(["role", .text(role.rawValue)])
                    try put.execute(["hlc", .integer(0)])
                    try put.execute(["created_ms", options.wallClock().databaseValue])
                    for (k, v) in metadata.sorted(by: { $0.key < $1.key }) {
                        try put.execute([.text("x." + k), .text(v)])
                    }
                }
            }
            return Store(path: path, nodeID: nodeID, role: role, options: options, queue: queue)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Opens an existing store, applying any pending migrations.
    public static func open(path: String, expectedRole: ReplicaRole? = nil, options: StoreOptions = StoreOptions()) throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notInitialized, "no store at \(path); run `init` first")
        }
        do {
            let queue = try DatabaseQueue(path: path, options: databaseOptions(options, create: false), label: "fieldsync.store")
            let (node, role) = try queue.sync { db -> (NodeID?, ReplicaRole?) in
                try attach(options.attachments, db, synchronous: options.synchronous)
                // Migrate only when something is pending: migrating takes the write lock, and a
                // reader must be able to open the store while another process writes.
                let migrator = Schema.migrator(local: options.localMigrations)
                let applied = Set(try migrator.appliedMigrations(db))
                if applied != Set(migrator.names) {
                    try migrator.migrate(db)
                    // The compaction rewrote the op log: give its old pages back to the disk once.
                    if !applied.isEmpty && !applied.contains(OpLogCompaction.name) { try db.execute("VACUUM") }
                }
                let node = try db.queryFirst("SELECT value FROM meta WHERE key = 'node_id'") { $0.nodeID(0) } ?? nil
                let role = try db.queryFirst("SELECT value FROM meta WHERE key = 'role'") { $0.string(0) } ?? nil
                return (node, role.flatMap(ReplicaRole.init(rawValue:)))
            }
            guard let node, let role else {
                throw StoreError(.incompatible, "\(path) is not a fieldsync store (no node id); choose another data directory")
            }
            if let expectedRole, expectedRole != role {
                throw StoreError(.incompatible, "\(path) belongs to a \(role.rawValue), not a \(expectedRole.rawValue); choose another data directory")
            }
            return Store(path: path, nodeID: node, role: role, options: options, queue: queue)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Attaches each file under its schema name, in WAL mode at the store's `synchronous`
    /// level, and lets its owner create or upgrade its tables (before the store's migrations,
    /// which may move rows into it).
    private static func attach(_ attachments: [StoreAttachment], _ db: Database, synchronous: Synchronous) throws {
        for attachment in attachments {
            // ATTACH opens with the main connection's flags, which lack CREATE when the store
            // itself must exist: an empty file is an empty database.
            if !FileManager.default.fileExists(atPath: attachment.path) {
                guard FileManager.default.createFile(atPath: attachment.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw StoreError(.database, "cannot create \(attachment.path); check that the data directory is writable")
                }
            }
            try db.execute("ATTACH DATABASE ? AS \(attachment.schema)", [.text(attachment.path)])
            let mode = try db.scalar("PRAGMA \(attachment.schema).journal_mode = WAL", as: String.self)
            guard mode?.lowercased() == "wal" else {
                throw StoreError(.database, "\(attachment.path) stayed in journal mode \(mode ?? "unknown") instead of wal; keep it on a local disk")
            }
            try db.execute("PRAGMA \(attachment.schema).synchronous = \(synchronous.rawValue)")
            try attachment.prepare(db)
        }
    }

    /// Runs `body` on the store's queue, wrapping failures as `StoreError`.
    func onQueue<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.sync(body)
        } catch {
            throw StoreError.translate(error, path: path)
        }
    }

    /// Runs a blocking store call from async code without blocking Swift's cooperative threads.
    public func async<T: Sendable>(_ body: @escaping @Sendable (Store) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            callQueue.async {
                continuation.resume(with: Result { try body(self) })
            }
        }
    }

    /// Direct access to this replica's own, non-replicated tables (created by
    /// `StoreOptions.localMigrations`, attachments). Replicated state goes through `write` or
    /// `transaction`, so that every change becomes an op: a statement that would write one of
    /// the engine's tables is refused at prepare time (`Schema.engineTables`).
    public func local<T>(_ body: (Database) throws -> T) throws -> T {
        try onQueue { db in try db.withWritesRefused(to: Schema.engineTables) { try body(db) } }
    }

    /// A metadata value written at `create` (keys without the internal `x.` prefix).
    public func metadata(_ key: String) throws -> String? {
        try onQueue { db in
            try db.queryFirst("SELECT value FROM meta WHERE key = ?", [.text("x." + key)]) { $0.string(0) } ?? nil
        }
    }

    /// Sets a metadata value (not replicated: per-replica settings such as the hub URL).
    public func setMetadata(_ key: String, _ value: String?) throws {
        try onQueue { db in
            try db.inTransaction(.immediate) { try Self.writeMetadata([key: value], in: db) }
        }
    }

    /// Sets (or, for nil, removes) metadata values, as `setMetadata` does, on a connection the
    /// caller opened to a store file that no `Store` has open (a backup being marked, a copy
    /// being restored); in the caller's transaction.
    public static func writeMetadata(_ changes: [String: String?], in db: Database) throws {
        for (key, value) in changes.sorted(by: { $0.key < $1.key }) {
            if let value {
                try putMeta(db, "x." + key, .text(value))
            } else {
                try db.execute("DELETE FROM meta WHERE key = ?", [.text("x." + key)])
            }
        }
    }

    /// Sets one row of `meta` (engine keys and, prefixed `x.`, metadata).
    static func putMeta(_ db: Database, _ key: String, _ value: DatabaseValue) throws {
        try db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       [.text(key), value])
    }

    /// `PRAGMA integrity_check` plus the store's own invariants; empty when all is well.
    public func verify() throws -> [String] {
        try onQueue { db in
            var problems = try db.integrityCheck().filter { $0 != "ok" }
            let unmergedInState = try db.scalar("""
                SELECT count(*) FROM registers r JOIN origin_ids n ON n.origin = r.origin
                JOIN ops o ON o.origin_id = n.id AND o.seq = r.seq WHERE o.scope = ?
                """, [.integer(MergeContext.quarantineScope)], as: Int64.self) ?? 0
            if unmergedInState > 0 { problems.append("\(unmergedInState) quarantined ops appear in state") }
            let badVector = try db.scalar("""
                SELECT count(*) FROM origins v WHERE v.contiguous > v.max_seq
                   OR v.max_seq <> (SELECT max(o.seq) FROM ops o JOIN origin_ids n ON n.id = o.origin_id WHERE n.origin = v.origin)
                """, as: Int64.self) ?? 0
            if badVector > 0 { problems.append("\(badVector) origins have an inconsistent version vector") }
            let unindexed = try db.scalar("""
                SELECT (SELECT count(*) FROM ops WHERE scope = ?1) - (SELECT count(*) FROM quarantine q
                        JOIN origin_ids n ON n.origin = q.origin JOIN ops o ON o.origin_id = n.id AND o.seq = q.seq AND o.scope = ?1)
                     + (SELECT count(*) FROM quarantine q WHERE NOT EXISTS
                        (SELECT 1 FROM ops o JOIN origin_ids n ON n.id = o.origin_id WHERE n.origin = q.origin AND o.seq = q.seq AND o.scope = ?1))
                """, [.integer(MergeContext.quarantineScope)], as: Int64.self) ?? 0
            if unindexed != 0 { problems.append("the quarantine index disagrees with the quarantined ops (\(unindexed))") }
            // Schema invariant 1a: a merged op's entity is interned, a quarantined op's is not.
            let misfiled = try db.scalar("""
                SELECT count(*) FROM ops o LEFT JOIN entities e ON e.id = o.entity_id LEFT JOIN origin_ids n ON n.id = o.origin_id
                LEFT JOIN field_names f ON f.id = o.field_id
                WHERE n.id IS NULL OR (o.scope = ?1) <> (o.entity_id IS NULL) OR (o.entity_id IS NOT NULL AND e.id IS NULL)
                   OR (o.field_id IS NOT NULL AND (f.id IS NULL OR o.entity_id IS NULL))
                """, [.integer(MergeContext.quarantineScope)], as: Int64.self) ?? 0
            if misfiled > 0 { problems.append("\(misfiled) ops have an origin, entity or field id that does not match their scope or any row") }
            let overridden = try db.scalar("""
                SELECT (SELECT count(*) FROM registers r JOIN superseded s ON s.entity_id = r.entity_id AND s.field = r.field
                        AND s.origin = r.origin AND s.seq = r.seq WHERE s.rank >= r.rank)
                     + (SELECT count(*) FROM conflicts c JOIN superseded s ON s.entity_id = c.entity_id AND s.field = c.field
                        AND s.origin = c.origin AND s.seq = c.seq WHERE s.rank >= c.rank)
                """, as: Int64.self) ?? 0
            if overridden > 0 { problems.append("\(overridden) overridden writes are shown as heads") }
            return problems
        }
    }

    /// A consistent copy of the store into a new file (SQLite online backup).
    public func backup(to destination: String) throws {
        try onQueue { db in try db.backup(to: destination) }
    }
}
