import SQLite
import SyncProtocol

/// Sees every op a replica merges from a peer, inside the transaction that merges it, just
/// before it is merged: an application's hook for records that must never disagree with the
/// merged ops (the hub's withdrawal and amendment records, HubKit `ReportEvents`).
///
/// Contract:
/// 1. `willMerge` is called once per op, when the op enters state: from `Store.apply`,
///    `Store.applyPulled`, and when a quarantined op is released (`Store.releaseQuarantine`, in
///    whichever transaction releases it). It is not called for duplicates, for ops going into
///    quarantine, nor for the replica's own writes (`Store.write`).
/// 2. `state` reads the merged state as it is before the op (earlier ops of the same batch
///    included) and the stored op log.
/// 3. Whatever the observer writes through `state.database` commits or rolls back with the
///    batch; it may write only its own local tables (`StoreOptions.localMigrations`), never
///    the engine's. If it throws, nothing of the batch is kept.
public protocol MergeObserver: Sendable {
    func willMerge(_ op: Op, state: MergeState) throws
    /// Called right after the op is merged (state includes it), in the same transaction; for
    /// rows derived from the merged state (a duplicate candidate, a due date). Default: nothing.
    func didMerge(_ op: Op, state: MergeState) throws
    /// Called right after one of this replica's own writes (`Store.write`, a transaction's
    /// `write`) is merged, in the same transaction: for rows derived from all of the state,
    /// whoever changed it. Default: nothing.
    func didWrite(_ op: Op, state: MergeState) throws
}

extension MergeObserver {
    public func didMerge(_ op: Op, state: MergeState) throws {}
    public func didWrite(_ op: Op, state: MergeState) throws {}
}

/// The read side an observer gets for one op (valid only during the call).
public struct MergeState {
    /// The transaction's connection, for the caller's local tables only.
    public let database: Database
    /// When this replica received the op (ms, the `ops.received_at` it is stored with).
    public let receivedAt: UInt64

    init(db: Database, receivedAt: UInt64) {
        database = db
        self.receivedAt = receivedAt
    }

    private var reader: Reader { Reader(db: database) }

    /// The entity's causal length (0 when it has never been created here).
    public func causalLength(_ collection: String, _ entity: String) throws -> UInt64 {
        try reader.causalLength(collection, entity)
    }

    /// The register's winning write (nil when the field has never been set here): one lookup,
    /// for observers that run on every op.
    public func winner(_ collection: String, _ entity: String, _ field: String) throws -> FieldWrite? {
        try database.cachedStatement("""
            SELECT origin, seq, vtype, value, rank, hlc FROM registers WHERE entity_id = (SELECT id FROM entities WHERE collection = ?1 AND entity = ?2) AND field = ?3
            """).queryFirst([.text(collection), .text(entity), .text(field)], { Reader.write($0) }) ?? nil
    }

    /// The register's visible writes, winner first, then its conflicts.
    public func heads(_ collection: String, _ entity: String, _ field: String) throws -> [FieldWrite] {
        try reader.heads(collection, entity, field)
    }

    /// The ids of the add ops under which elements of a set field are present.
    public func presentTags(_ collection: String, _ entity: String, _ field: String) throws -> [OpID] {
        try database.cachedStatement("""
            SELECT origin, seq FROM set_adds WHERE entity_id = (SELECT id FROM entities WHERE collection = ?1 AND entity = ?2) AND field = ?3
            ORDER BY origin, seq
            """).query([.text(collection), .text(entity), .text(field)]) { row -> OpID? in
                guard let o = row.nodeID(0), let s = row.uint64(1) else { return nil }
                return OpID(origin: o, seq: s)
            }.compactMap { $0 }
    }
}

/// A stored op with the time this replica received it.
public struct StoredOp: Sendable, Hashable {
    public let op: Op
    public let receivedAt: UInt64
}

extension Store {
    /// Calls the options' observer for an op about to be merged (contract above).
    func observeMerge(_ op: Op, db: Database, receivedAt: UInt64) throws {
        guard let observer = options.mergeObserver else { return }
        try observer.willMerge(op, state: MergeState(db: db, receivedAt: receivedAt))
    }

    /// Calls the options' observer for one of our own writes just merged.
    func observeWritten(_ op: Op, db: Database, at time: UInt64) throws {
        guard let observer = options.mergeObserver else { return }
        try observer.didWrite(op, state: MergeState(db: db, receivedAt: time))
    }

    /// Calls the options' observer for an op just merged.
    func observeMerged(_ op: Op, db: Database, receivedAt: UInt64) throws {
        guard let observer = options.mergeObserver else { return }
        try observer.didMerge(op, state: MergeState(db: db, receivedAt: receivedAt))
    }

    /// The stored ops with the given ids (op bodies are kept for ever), decoded; ids not held
    /// are left out.
    public func storedOps(_ ids: [OpID]) throws -> [OpID: StoredOp] {
        try onQueue { db in
            let select = try db.cachedStatement("""
                SELECT \(StoredBody.columns), o.received_at FROM ops o \(StoredBody.joins)
                WHERE o.origin_id = \(StoredBody.originID(1)) AND o.seq = ?2
                """)
            var found: [OpID: StoredOp] = [:]
            for id in Set(ids) {
                guard let row = try select.queryFirst([id.origin.databaseValue, id.seq.databaseValue], { row in
                    (try StoredBody.canonical(row), row.uint64(StoredBody.columnCount) ?? 0)
                }) else { continue }
                found[id] = StoredOp(op: try OpCodec.decode(row.0), receivedAt: row.1)
            }
            return found
        }
    }
}

/// Several observers as one (`StoreOptions.mergeObserver` takes one): each is called in order,
/// for every op; the first that throws rolls the batch back.
public struct MergeObservers: MergeObserver {
    public let observers: [any MergeObserver]

    public init(_ observers: [any MergeObserver]) {
        self.observers = observers
    }

    public func willMerge(_ op: Op, state: MergeState) throws {
        for observer in observers { try observer.willMerge(op, state: state) }
    }

    public func didMerge(_ op: Op, state: MergeState) throws {
        for observer in observers { try observer.didMerge(op, state: state) }
    }

    public func didWrite(_ op: Op, state: MergeState) throws {
        for observer in observers { try observer.didWrite(op, state: state) }
    }
}
