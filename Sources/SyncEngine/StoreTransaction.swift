import SQLite
import SyncProtocol

/// One unit of work on the store (issue 15): apply a peer's ops, make local replicated writes,
/// write this replica's own non-replicated rows and read — in one SQLite transaction, all or
/// nothing. What a feature derives from ops (a receipt stamp, a duplicate candidate, a due date,
/// an audit entry) commits with the ops it comes from, and a failure anywhere keeps none of it.
///
/// Rules:
/// 1. Steps run in the order called. `apply` and `write` each finish their bookkeeping (arrival
///    numbers, clock, version vector) before the next step, so later steps read what earlier
///    ones did.
/// 2. `local` gives the connection for the caller's own tables (`StoreOptions.localMigrations`,
///    attachments); statements that would write one of the engine's tables are refused at
///    prepare time (`Database.withWritesRefused`, `Schema.engineTables`). Replicated state
///    changes only through `apply` and `write`, so that every change is an op.
/// 3. Merge observers (`MergeObserver`) run inside this transaction for every op `apply`
///    merges.
/// 4. The object is valid only inside the body it was given to (`Store.transaction`,
///    `Store.grouped`).
/// 5. `savepoint` nests: what its body did is rolled back alone when it throws, and the rest of
///    the transaction goes on (the hub keeps a request's counter when its push fails).
public final class StoreTransaction {
    let store: Store
    let db: Database

    init(store: Store, db: Database) {
        self.store = store
        self.db = db
    }

    /// Applies a peer's ops (as `Store.apply`) in this transaction.
    @discardableResult
    public func apply(_ ops: [Op]) throws -> ApplyOutcome {
        try store.applyInTransaction(ops, db: db)
    }

    /// Local replicated writes (as `Store.write`) in this transaction.
    @discardableResult
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        let tx = try WriteTransaction(store: store, db: db)
        let result = try body(tx)
        try tx.finish()
        return result
    }

    /// The caller's own, non-replicated tables (rule 2).
    public func local<T>(_ body: (Database) throws -> T) throws -> T {
        try db.withWritesRefused(to: Schema.engineTables, { try body(db) })
    }

    /// Runs `body` in a savepoint of this transaction: if it throws, only what it did is rolled
    /// back and the error is rethrown; the caller may catch it and go on (rule 5).
    @discardableResult
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try db.inSavepoint(body)
    }

    // MARK: Reads (see every earlier step of this transaction)

    public func document(_ collection: String, _ entity: String) throws -> Document? {
        try Reader(db: db).document(collection, entity)
    }

    public func originStates(_ origins: [NodeID], maxGaps: Int = 64) throws -> [OriginState] {
        try origins.map { try OpLog.originState(db, origin: $0, maxGaps: maxGaps) }
    }
}

extension Store {
    /// Runs `body` as one transaction (see `StoreTransaction`): everything or nothing; the error
    /// `body` throws is rethrown after the rollback.
    @discardableResult
    public func transaction<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try onQueue { db in
            try db.inTransaction(.immediate) { try body(StoreTransaction(store: self, db: db)) }
        }
    }
}
