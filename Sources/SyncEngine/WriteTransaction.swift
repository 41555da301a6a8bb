import SQLite
import SyncProtocol

/// The single write path. Inside `Store.write`, every change is made through this object: it
/// stamps an op (next gapless sequence number, next HLC), stores it, and merges it with the same
/// `MergeContext` that applies ops from peers — all in the one SQLite transaction, so state and op log
/// can never disagree, and a crash leaves either the whole change or none of it.
public final class WriteTransaction {
    let store: Store
    let db: Database
    private let context: MergeContext
    private var clock: HybridClock
    private var nextSeq: UInt64
    private let offset: Int64
    /// The ops this transaction created, in order.
    public private(set) var ops: [Op] = []
    /// Entities this transaction created from nothing (no row before it), with the fields it has
    /// written since: any other field of theirs has no heads and no tags, so no query is needed.
    private var fresh: [MergeContext.EntityName: Set<String>] = [:]

    /// Names are short ASCII-ish identifiers; the codec enforces the same limits.
    static let maxNameBytes = 64
    static let maxEntityBytes = 128

    init(store: Store, db: Database) throws {
        self.store = store
        self.db = db
        context = try MergeContext(store: store, db: db)
        clock = try OpLog.loadClock(db, maxDrift: store.options.maxDriftMilliseconds)
        nextSeq = try OpLog.maxSeq(db, origin: store.nodeID) + 1
        offset = try OpLog.clockOffset(db)
    }

    private func now() -> UInt64 {
        OpLog.corrected(store.options.wallClock(), by: offset)
    }

    // MARK: Changes

    /// Creates an entity (or re-creates a deleted one). Creating a live entity changes nothing.
    public func create(_ collection: String, _ entity: String) throws {
        let length = try causalLength(collection, entity)
        guard length % 2 == 0 else { return }
        let isNew = try context.existingEntityID(collection, entity) == nil
        try emit(collection, entity, .exist(causalLength: length + 1))
        if isNew { fresh[MergeContext.EntityName(collection: collection, entity: entity)] = [] }
    }

    /// True when `field` of the entity certainly has no state yet (see `fresh`); records the
    /// field as written from now on.
    private func untouched(_ collection: String, _ entity: String, _ field: String) -> Bool {
        let name = MergeContext.EntityName(collection: collection, entity: entity)
        guard fresh[name] != nil else { return false }
        return fresh[name]!.insert(field).inserted
    }

    /// Deletes a live entity. Its fields stay in the op log; the entity reads as deleted.
    public func delete(_ collection: String, _ entity: String) throws {
        let length = try causalLength(collection, entity)
        guard length % 2 == 1 else { return }
        try emit(collection, entity, .exist(causalLength: length + 1))
    }

    /// Sets a field. The op supersedes every head the register has here (winner and visible
    /// conflicts), so this write resolves a conflict this replica can see. Writing the value the
    /// register already holds, with nothing to resolve, records nothing.
    public func set(_ collection: String, _ entity: String, _ field: String, _ value: Value, rank: UInt32 = 0) throws {
        try validateName(field, "field")
        let heads = untouched(collection, entity, field) ? [] : try Reader(db: db).heads(collection, entity, field)
        if heads.count == 1, let only = heads.first, only.value == value, only.rank == rank { return }
        try emit(collection, entity, .set(field: field, value: value, rank: rank, supersedes: heads.map(\.id).sorted()))
    }

    /// Adds an element to a set field (no op when it is already present).
    public func add(_ collection: String, _ entity: String, _ field: String, _ element: Value) throws {
        try validateName(field, "field")
        if !untouched(collection, entity, field), try !Reader(db: db).tags(collection, entity, field, element).isEmpty { return }
        try emit(collection, entity, .add(field: field, element: element))
    }

    /// Removes an element from a set field: removes the tags seen here, so a concurrent add wins.
    public func remove(_ collection: String, _ entity: String, _ field: String, _ element: Value) throws {
        try validateName(field, "field")
        if untouched(collection, entity, field) { return }
        let tags = try Reader(db: db).tags(collection, entity, field, element)
        guard !tags.isEmpty else { return }
        try emit(collection, entity, .remove(field: field, element: element, tags: tags))
    }

    // MARK: Reads (see this transaction's own writes)

    public func document(_ collection: String, _ entity: String) throws -> Document? {
        try context.flushSpans()
        return try Reader(db: db).document(collection, entity)
    }

    public func entity(collection: String, ref: String) throws -> String? {
        try Reader(db: db).entity(collection: collection, ref: ref)
    }

    // MARK: Internals

    private func causalLength(_ collection: String, _ entity: String) throws -> UInt64 {
        try validateName(collection, "collection")
        guard !entity.isEmpty, entity.utf8.count <= Self.maxEntityBytes else {
            throw StoreError(.invalidWrite, "entity id must be 1…\(Self.maxEntityBytes) bytes")
        }
        try context.flushSpans()
        return try Reader(db: db).causalLength(collection, entity)
    }

    private func validateName(_ name: String, _ what: String) throws {
        guard !name.isEmpty, name.utf8.count <= Self.maxNameBytes else {
            throw StoreError(.invalidWrite, "\(what) name must be 1…\(Self.maxNameBytes) bytes")
        }
    }

    private func emit(_ collection: String, _ entity: String, _ action: Action) throws {
        let hlc = clock.tick(wallMilliseconds: now())
        let op = OpCodec.normalized(Op(id: OpID(origin: store.nodeID, seq: nextSeq), hlc: hlc,
                                       collection: collection, entity: entity, action: action))
        let body = OpCodec.encode(op)
        do {
            _ = try OpCodec.decode(body)   // the same checks a peer makes on receipt
        } catch {
            throw StoreError(.invalidWrite, "cannot record this change: \(error)")
        }
        let time = now()
        _ = try context.insert(op, merged: true, receivedAt: time, body: body)
        try context.merge(op)
        try store.observeWritten(op, db: db, at: time)
        nextSeq += 1
        ops.append(op)
    }

    /// Persists the clock and the version vector; called by `Store.write` before COMMIT.
    func finish() throws {
        guard !ops.isEmpty else { return }
        try context.finish()
        try OpLog.saveClock(db, clock)
        try OpLog(db: db).advanceOrigins([store.nodeID])
    }
}

extension Store {
    /// Makes local changes in one transaction. Every change becomes an op, stored and merged
    /// before COMMIT; if `body` throws, nothing is kept and the error is rethrown.
    @discardableResult
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                let tx = try WriteTransaction(store: self, db: db)
                let result = try body(tx)
                try tx.finish()
                return result
            }
        }
    }
}
