import SQLite
import SyncProtocol

/// What happened to a batch of ops from a peer.
public struct ApplyOutcome: Sendable, Hashable {
    /// New ops merged into state.
    public var merged = 0
    /// Ops already held (redelivery): ignored.
    public var duplicates = 0
    /// Ops stamped too far in our future: stored, acknowledged, not merged (yet). A batch that
    /// would hold more than `StoreOptions.maxQuarantinedPerOrigin` of one origin's ops is refused
    /// whole instead (`StoreError.Code.quarantineFull`).
    public var quarantined = 0
    /// Earlier quarantined ops whose time has come (or that an administrator released), merged now.
    public var released = 0
    /// The entities the released ops belong to, ascending, each once: what a receipt stamper
    /// needs to look at, instead of every record.
    public var releasedEntities: [EntityRef] = []
    /// The origins this batch carried ops of.
    public var origins: [NodeID] = []

    public init() {}
}

/// A record's name: (collection, entity).
public struct EntityRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let collection: String
    public let entity: String

    public init(collection: String, entity: String) {
        self.collection = collection
        self.entity = entity
    }

    /// Byte-wise, collection first (the order of spec §9.6).
    public static func < (a: EntityRef, b: EntityRef) -> Bool {
        a.collection == b.collection
            ? a.entity.utf8.lexicographicallyPrecedes(b.entity.utf8)
            : a.collection.utf8.lexicographicallyPrecedes(b.collection.utf8)
    }

    public var description: String { "\(collection)/\(entity)" }
}

extension Store {
    /// Applies ops from a peer in one transaction: each op is stored once by (origin, seq) and
    /// merged by the same code as local writes. Ops stamped more than `maxDriftMilliseconds`
    /// ahead of our clock are quarantined: stored (so they are acknowledged and never lost) but
    /// neither merged nor allowed to move our clock, until our clock catches up. If anything
    /// fails, nothing of the batch is kept.
    public func apply(_ ops: [Op]) throws -> ApplyOutcome {
        try onQueue { db in
            try db.inTransaction(.immediate) { try applyInTransaction(ops, db: db) }
        }
    }

    func applyInTransaction(_ ops: [Op], db: Database) throws -> ApplyOutcome {
        var outcome = ApplyOutcome()
        var clock = try OpLog.loadClock(db, maxDrift: options.maxDriftMilliseconds)
        let wall = try OpLog.now(db, wall: options.wallClock())
        let context = try MergeContext(store: self, db: db)
        try releaseDue(context, clock: &clock, wall: wall, into: &outcome)
        var origins = Set<NodeID>()
        var held: [NodeID: (before: Int, now: Int)] = [:]   // quarantined per origin: before the batch, now
        for op in ops {
            origins.insert(op.origin)
            do {
                try clock.receive(op.hlc, wallMilliseconds: wall)
            } catch {
                var count = try held[op.origin] ?? { let n = try Quarantine(db: db).count(origin: op.origin); return (n, n) }()
                if try context.insert(op, merged: false, receivedAt: wall) == .inserted {
                    if count.now >= options.maxQuarantinedPerOrigin { throw Self.quarantineFull(op, held: count.before, error, options) }
                    count.now += 1
                    held[op.origin] = count
                    outcome.quarantined += 1
                } else {
                    outcome.duplicates += 1
                }
                continue
            }
            if try context.insert(op, merged: true, receivedAt: wall) == .inserted {
                try observeMerge(op, db: db, receivedAt: wall)
                try context.merge(op)
                try observeMerged(op, db: db, receivedAt: wall)
                outcome.merged += 1
            } else {
                outcome.duplicates += 1
            }
        }
        try context.finish()
        try OpLog(db: db).advanceOrigins(origins)
        try OpLog.saveClock(db, clock)
        outcome.origins = origins.sorted()
        return outcome
    }

    static func quarantineFull(_ op: Op, held: Int, _ skew: ClockSkewError, _ options: StoreOptions) -> StoreError {
        StoreError(.quarantineFull, """
            this batch would put more than \(options.maxQuarantinedPerOrigin) ops of node \(op.origin.hex) in quarantine \
            (\(held) held already, the limit is \(options.maxQuarantinedPerOrigin)): they are stamped more than \(options.maxDriftMilliseconds / 1000) s ahead of this replica's clock \
            (op \(op.id) by \(skew.aheadByMilliseconds / 1000) s); nothing of this batch was stored. \
            Fix that laptop's clock; what is held is released when it comes due, or on the hub by `missionhub quarantine release`
            """)
    }

    /// Acknowledgement state for the given origins (read after the batch committed).
    public func originStates(_ origins: [NodeID], maxGaps: Int = 64) throws -> [OriginState] {
        try onQueue { db in try origins.map { try OpLog.originState(db, origin: $0, maxGaps: maxGaps) } }
    }
}
