import SQLite
import SyncProtocol

/// Stores and merges ops inside one transaction: the merge rules of Protocols/sync-v1.md §9,
/// written against SQLite. Every replica runs this same code for its own ops and for ops from
/// peers: it is the single write path. One context lives for one transaction; it holds its
/// prepared statements, the next arrival number, interned entity and scope ids and the entity
/// bookkeeping of the batch, and `finish()` writes the bookkeeping back before COMMIT.
///
/// Order independence (Schema invariants 3–5 and 9): a register's heads are "set ops minus the
/// overridden ones" and its winner their maximum (`RegisterMerger`), set membership is "add tags
/// minus removed tags", and the causal length is a maximum — each a function of the set of ops,
/// whatever the arrival order.
final class MergeContext {
    let store: Store
    let db: Database
    private var nextLocalSeq: Int64
    private var scopeIDs: [String: Int64] = [:]
    private var originIDs: [NodeID: Int64] = [:]
    private var fieldIDs: [String: Int64] = [:]
    /// What this transaction learned about each entity: its row id and (on the hub) its scope,
    /// which a scope policy computes from the collection and entity alone.
    private var interned: [EntityName: Interned] = [:]
    /// The last entity looked up: a batch carries each record's ops one after another, so this
    /// saves hashing two long strings per op.
    private var last: (name: EntityName, info: Interned)?

    private struct Interned {
        var id: Int64?
        var scope: Int64?
    }
    private var spans: [Int64: (first: UInt64, last: UInt64)] = [:]

    struct EntityName: Hashable {
        let collection: String
        let entity: String
    }

    enum InsertResult {
        case inserted
        case duplicate
    }

    static let quarantineScope: Int64 = 1
    /// Every op of a node is in this scope, and no node serves pulls: `ops_scope` leaves it out
    /// (Schema invariant 1b).
    static let localScope: Int64 = 2

    // Statements, prepared once per context (cache hits after the first transaction).
    private let insertOp: Statement
    private let registers: RegisterMerger
    private let selectRemoved: Statement
    private let insertAdd: Statement
    private let insertRemoved: Statement
    private let deleteAdd: Statement
    private let selectEntity: Statement
    private let insertEntity: Statement

    init(store: Store, db: Database) throws {
        self.store = store
        self.db = db
        nextLocalSeq = try db.cachedStatement("SELECT value FROM meta WHERE key = 'next_local_seq'")
            .queryFirst { $0.int64(0) ?? 1 } ?? 1
        insertOp = try db.cachedStatement("""
            INSERT INTO ops(origin_id, seq, local_seq, scope, received_at, entity_id, field_id, body)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(origin_id, seq) DO NOTHING
            """)
        registers = try RegisterMerger(db: db)
        selectRemoved = try db.cachedStatement("""
            SELECT 1 FROM set_removed WHERE entity_id = ?1 AND field = ?2 AND etype = ?3 AND element = ?4
            AND origin = ?5 AND seq = ?6
            """)
        insertAdd = try db.cachedStatement("""
            INSERT OR IGNORE INTO set_adds(entity_id, field, etype, element, origin, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        insertRemoved = try db.cachedStatement("""
            INSERT OR IGNORE INTO set_removed(entity_id, field, etype, element, origin, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        deleteAdd = try db.cachedStatement("""
            DELETE FROM set_adds WHERE entity_id = ?1 AND field = ?2 AND etype = ?3 AND element = ?4
            AND origin = ?5 AND seq = ?6
            """)
        selectEntity = try db.cachedStatement("SELECT id FROM entities WHERE collection = ?1 AND entity = ?2")
        insertEntity = try db.cachedStatement("""
            INSERT INTO entities(collection, entity, causal_length, owner, first_hlc, last_hlc) VALUES (?1, ?2, 0, NULL, ?3, ?3)
            """)
    }

    // MARK: Interning

    /// What is known about an entity so far (the last one first, then the table).
    private func known(_ name: EntityName) -> Interned {
        if let last, last.name == name { return last.info }
        return interned[name] ?? Interned()
    }

    private func remember(_ name: EntityName, _ info: Interned) {
        interned[name] = info
        last = (name, info)
    }

    /// The entity's integer id, creating its row on first sight.
    func entityID(_ collection: String, _ entity: String, hlc: HLC) throws -> Int64 {
        let name = EntityName(collection: collection, entity: entity)
        var info = known(name)
        if let id = info.id { return id }
        if let existing = try selectEntity.queryFirst([.text(collection), .text(entity)], { $0.int64(0) }) ?? nil {
            info.id = existing
        } else {
            try insertEntity.execute([.text(collection), .text(entity), hlc.databaseValue])
            info.id = db.lastInsertRowID
        }
        remember(name, info)
        return info.id!
    }

    /// The id of an existing entity, without creating it.
    func existingEntityID(_ collection: String, _ entity: String) throws -> Int64? {
        if let id = known(EntityName(collection: collection, entity: entity)).id { return id }
        return try selectEntity.queryFirst([.text(collection), .text(entity)], { $0.int64(0) }) ?? nil
    }

    /// The scope id of an op on the hub, computed once per entity.
    private func hubScope(_ op: Op) throws -> Int64 {
        let name = EntityName(collection: op.collection, entity: op.entity)
        var info = known(name)
        if let scope = info.scope { return scope }
        info.scope = try scopeID(store.options.scopePolicy.scope(op))
        remember(name, info)
        return info.scope!
    }

    /// The origin's integer id in `origin_ids` (Schema invariant 1a), creating it on first sight.
    func originID(_ origin: NodeID) throws -> Int64 {
        if let id = originIDs[origin] { return id }
        try db.cachedStatement("INSERT INTO origin_ids(origin) VALUES (?1) ON CONFLICT(origin) DO NOTHING").execute([origin.databaseValue])
        guard let id = try db.cachedStatement("SELECT id FROM origin_ids WHERE origin = ?1")
            .queryFirst([origin.databaseValue], { $0.int64(0) }) ?? nil else {
            throw StoreError(.database, "origin \(origin.hex) has no id after it was stored; run `verify`")
        }
        originIDs[origin] = id
        return id
    }

    /// The id of a field name in `field_names` (Schema invariant 1a), creating it on first sight.
    func fieldID(_ name: String) throws -> Int64 {
        if let id = fieldIDs[name] { return id }
        let id = try Self.intern(name, in: db)
        fieldIDs[name] = id
        return id
    }

    /// `name`'s row id in `field_names`, inserted when missing.
    static func intern(_ name: String, in db: Database) throws -> Int64 {
        try db.cachedStatement("INSERT INTO field_names(name) VALUES (?1) ON CONFLICT(name) DO NOTHING").execute([.text(name)])
        guard let id = try db.cachedStatement("SELECT id FROM field_names WHERE name = ?1").queryFirst([.text(name)], { $0.int64(0) }) ?? nil else {
            throw StoreError(.database, "field name \(name) has no id after it was stored; run `verify`")
        }
        return id
    }

    func scopeID(_ name: String) throws -> Int64 {
        if let id = scopeIDs[name] { return id }
        let id: Int64
        if let existing = try db.cachedStatement("SELECT id FROM scopes WHERE name = ?").queryFirst([.text(name)], { $0.int64(0) }) ?? nil {
            id = existing
        } else {
            try db.cachedStatement("INSERT INTO scopes(name) VALUES (?)").execute([.text(name)])
            id = db.lastInsertRowID
        }
        scopeIDs[name] = id
        return id
    }

    // MARK: Storing

    /// Stores an op exactly once per (origin, seq). A second copy with the same bytes is a
    /// duplicate (idempotent redelivery); a second copy with different bytes is refused.
    func insert(_ op: Op, merged: Bool, receivedAt: UInt64, body encoded: [UInt8]? = nil) throws -> InsertResult {
        let body = encoded ?? OpCodec.encode(op)
        let scope: Int64
        if !merged {
            scope = Self.quarantineScope
        } else if store.role == .hub {
            scope = try hubScope(op)
        } else {
            scope = try scopeID(ScopePolicy.local)
        }
        // A merged op's entity is interned here (merge would create it next): its body then
        // leaves out what the columns hold (`StoredBody`). A quarantined op's stays whole.
        let originID = try originID(op.origin)
        var entity: Int64? = nil
        if merged {
            entity = try existingEntityID(op.collection, op.entity)
            // A new entity's row is made only for a new op: a second copy of a quarantined op
            // must not create the state row its first copy does not have.
            if entity == nil, try isHeld(originID, op.seq) == false {
                entity = try entityID(op.collection, op.entity, hlc: op.hlc)
            }
        }
        let field: Int64? = try entity == nil ? nil : StoredBody.field(of: op).map(fieldID)
        try insertOp.execute([.integer(originID), op.seq.databaseValue, .integer(nextLocalSeq), .integer(scope),
                              receivedAt.databaseValue, entity.map { .integer($0) } ?? .null, field.map { .integer($0) } ?? .null,
                              .blob(try StoredBody.stored(body, of: op, interned: entity != nil))])
        if db.changes == 1 {
            nextLocalSeq += 1
            if !merged { try Quarantine(db: db).hold(op, receivedAt: receivedAt) }
            return .inserted
        }
        let existing = try db.cachedStatement("""
            SELECT \(StoredBody.columns) FROM ops o \(StoredBody.joins) WHERE o.origin_id = ?1 AND o.seq = ?2
            """).queryFirst([.integer(originID), op.seq.databaseValue]) { try StoredBody.canonical($0) }
        if existing != body {
            throw StoreError(.divergentOp, "op \(op.id) arrived with content different from the copy already stored; the sending replica reuses sequence numbers (was it restored from a backup?)")
        }
        return .duplicate
    }

    private func isHeld(_ originID: Int64, _ seq: UInt64) throws -> Bool {
        try db.cachedStatement("SELECT 1 FROM ops WHERE origin_id = ?1 AND seq = ?2").queryFirst([.integer(originID), seq.databaseValue]) { _ in true } ?? false
    }

    /// Merges a quarantined op now: it leaves the quarantine and is stored again, merged, under a
    /// new arrival number (so pull cursors past its old one still see it).
    func release(_ op: Op, receivedAt: UInt64) throws {
        try Quarantine(db: db).remove(op.id)
        _ = try insert(op, merged: true, receivedAt: receivedAt)
        try store.observeMerge(op, db: db, receivedAt: receivedAt)  // a released op enters state now
        try merge(op)
        try store.observeMerged(op, db: db, receivedAt: receivedAt)
    }

    // MARK: Merging

    func merge(_ op: Op) throws {
        let id = try entityID(op.collection, op.entity, hlc: op.hlc)
        if let span = spans[id] {
            spans[id] = (min(span.first, op.hlc.rawValue), max(span.last, op.hlc.rawValue))
        } else {
            spans[id] = (op.hlc.rawValue, op.hlc.rawValue)
        }
        switch op.action {
        case .exist(let causalLength):
            try db.cachedStatement("""
                UPDATE entities SET causal_length = max(causal_length, ?2),
                    owner = CASE WHEN ?2 = 1 AND owner IS NULL THEN ?3 ELSE owner END
                WHERE id = ?1
                """).execute([.integer(id), causalLength.databaseValue, op.origin.databaseValue])
        case .set(let field, let value, let rank, let supersedes):
            try registers.merge(op, entity: id, field: field, value: value, rank: rank, supersedes: supersedes)
        case .add(let field, let element):
            let (etype, evalue) = element.storage
            let args: [DatabaseValue] = [.integer(id), .text(field), .integer(etype), evalue,
                                         op.origin.databaseValue, op.seq.databaseValue]
            if try selectRemoved.queryFirst(args, { _ in true }) == nil {
                try insertAdd.execute(args)
            }
        case .remove(let field, let element, let tags):
            let (etype, evalue) = element.storage
            for tag in tags {
                let args: [DatabaseValue] = [.integer(id), .text(field), .integer(etype), evalue,
                                             tag.origin.databaseValue, tag.seq.databaseValue]
                try insertRemoved.execute(args)
                try deleteAdd.execute(args)
            }
        }
    }

    // MARK: Finishing

    /// Widens the hlc spans of the entities touched in this transaction.
    func flushSpans() throws {
        guard !spans.isEmpty else { return }
        let update = try db.cachedStatement("""
            UPDATE entities SET first_hlc = min(first_hlc, ?2), last_hlc = max(last_hlc, ?3) WHERE id = ?1
            """)
        for (id, span) in spans {
            try update.execute([.integer(id), .integer(Int64(bitPattern: span.first)), .integer(Int64(bitPattern: span.last))])
        }
        spans.removeAll(keepingCapacity: true)
    }

    /// Writes back the batch's bookkeeping; call once, before COMMIT.
    func finish() throws {
        try flushSpans()
        try db.cachedStatement("""
            INSERT INTO meta(key, value) VALUES ('next_local_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """).execute([.integer(nextLocalSeq)])
    }
}

/// The total order of a register's writes: (rank, hlc, origin, seq).
struct RegisterKey: Comparable {
    let rank: UInt32
    let hlc: HLC
    let origin: NodeID
    let seq: UInt64

    static func < (a: RegisterKey, b: RegisterKey) -> Bool {
        if a.rank != b.rank { return a.rank < b.rank }
        if a.hlc != b.hlc { return a.hlc < b.hlc }
        if a.origin != b.origin { return a.origin < b.origin }
        return a.seq < b.seq
    }
}
