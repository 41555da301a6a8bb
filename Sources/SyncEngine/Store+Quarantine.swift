import SQLite
import SyncProtocol

/// What one origin has waiting in quarantine (spec §4), for `missionhub quarantine list`.
public struct QuarantineSummary: Sendable, Hashable {
    public let origin: NodeID
    /// Ops held.
    public let count: Int
    /// Distinct (collection, entity) those ops write.
    public let entityCount: Int
    /// The lowest and highest stamp held.
    public let earliest: HLC
    public let latest: HLC
    /// When the first and the last of them arrived here (this replica's corrected clock, ms).
    public let firstReceivedMilliseconds: UInt64
    public let lastReceivedMilliseconds: UInt64
}

/// One quarantined op, without its body.
public struct QuarantinedOp: Sendable, Hashable {
    public let id: OpID
    public let hlc: HLC
    public let entity: EntityRef
    public let receivedAtMilliseconds: UInt64
}

extension Store {
    // MARK: Releasing

    /// Merges every quarantined op whose time has come: stamped at most `maxDriftMilliseconds`
    /// ahead of the corrected clock, admitted by Receive. One index range probe when none is due.
    func releaseDue(_ context: MergeContext, clock: inout HybridClock, wall: UInt64, into outcome: inout ApplyOutcome) throws {
        let quarantine = Quarantine(db: context.db)
        let due = try quarantine.due(limit: clock.limit(wallMilliseconds: wall))
        guard !due.isEmpty else { return }
        var entities = Set(outcome.releasedEntities)
        for id in due {
            let (op, receivedAt) = try quarantine.load(id)
            guard (try? clock.receive(op.hlc, wallMilliseconds: wall)) != nil else { continue }
            try context.release(op, receivedAt: receivedAt)
            entities.insert(EntityRef(collection: op.collection, entity: op.entity))
            outcome.released += 1
        }
        outcome.releasedEntities = entities.sorted()
    }

    /// Merges every quarantined op whose time has come (run at startup and on each session).
    /// Returns how many; `releaseDueQuarantine()` also says which entities they touched.
    @discardableResult
    public func releaseQuarantine() throws -> Int {
        try releaseDueQuarantine().released
    }

    /// Merges every quarantined op whose time has come; the outcome lists the released count and
    /// entities (the rest of it is empty).
    @discardableResult
    public func releaseDueQuarantine() throws -> ApplyOutcome {
        try releasing { _, _ in }
    }

    /// An administrator's decision (spec §4): merges now every quarantined op of `origin` (of
    /// every origin when nil), however far ahead it is stamped. The ops that are due anyway are
    /// admitted by Receive as usual; the others do NOT move this replica's clock — a released op
    /// a year ahead must not drag it there. The outcome's `released`, `releasedEntities` and
    /// `origins` say what was merged. One transaction; it reads the quarantined ops only.
    @discardableResult
    public func releaseByAdministrator(origin: NodeID?) throws -> ApplyOutcome {
        try releasing { context, outcome in
            let quarantine = Quarantine(db: context.db)
            var entities = Set(outcome.releasedEntities)
            var origins = Set<NodeID>()
            for id in try quarantine.all(origin: origin) {
                let (op, receivedAt) = try quarantine.load(id)
                try context.release(op, receivedAt: receivedAt)   // no Receive: the clock stays
                entities.insert(EntityRef(collection: op.collection, entity: op.entity))
                origins.insert(op.origin)
                outcome.released += 1
            }
            outcome.releasedEntities = entities.sorted()
            outcome.origins = origins.sorted()
        }
    }

    /// One transaction that releases the due ops, then runs `more`; the clock is saved when the
    /// due ops moved it.
    private func releasing(_ more: (MergeContext, inout ApplyOutcome) throws -> Void) throws -> ApplyOutcome {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                var clock = try OpLog.loadClock(db, maxDrift: options.maxDriftMilliseconds)
                let context = try MergeContext(store: self, db: db)
                var outcome = ApplyOutcome()
                try releaseDue(context, clock: &clock, wall: try OpLog.now(db, wall: options.wallClock()), into: &outcome)
                let due = outcome.released
                try more(context, &outcome)
                try context.finish()
                if due > 0 { try OpLog.saveClock(db, clock) }
                return outcome
            }
        }
    }

    // MARK: Listing

    /// Per origin with ops in quarantine: how many, how many entities, the stamps' range and
    /// arrival times; ascending by origin. Reads the quarantine index only, never op bodies.
    public func quarantineSummary() throws -> [QuarantineSummary] {
        try onQueue { db in
            let rows = try db.query("""
                SELECT origin, count(*), min(received_at), max(received_at) FROM quarantine GROUP BY origin ORDER BY origin
                """) { row in (row.nodeID(0), row.int64(1) ?? 0, row.uint64(2) ?? 0, row.uint64(3) ?? 0) }
            return try rows.compactMap { origin, count, first, last -> QuarantineSummary? in
                guard let origin else { return nil }
                let args: [DatabaseValue] = [origin.databaseValue]
                func stamp(_ order: String) throws -> HLC {
                    try db.cachedStatement("""
                        SELECT hlc_ms, hlc_counter FROM quarantine WHERE origin = ?1 ORDER BY hlc_ms \(order), hlc_counter \(order) LIMIT 1
                        """).queryFirst(args) { HLC(milliseconds: $0.uint64(0) ?? 0, counter: UInt16(clamping: $0.int64(1) ?? 0)) } ?? .zero
                }
                let entities = try db.cachedStatement("""
                    SELECT count(*) FROM (SELECT DISTINCT collection, entity FROM quarantine WHERE origin = ?1)
                    """).queryFirst(args) { $0.int64(0) ?? 0 } ?? 0
                return QuarantineSummary(origin: origin, count: Int(count), entityCount: Int(entities),
                                         earliest: try stamp("ASC"), latest: try stamp("DESC"),
                                         firstReceivedMilliseconds: first, lastReceivedMilliseconds: last)
            }
        }
    }

    /// One page of `origin`'s quarantined ops with seq above `afterSeq`, ascending by seq, at most
    /// `limit` (pass the last seq of a page to get the next). No op body is read.
    public func quarantinedOps(origin: NodeID, afterSeq: UInt64 = 0, limit: Int = 100) throws -> [QuarantinedOp] {
        try onQueue { db in
            try db.cachedStatement("""
                SELECT seq, hlc_ms, hlc_counter, collection, entity, received_at FROM quarantine
                WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3
                """).query([origin.databaseValue, afterSeq.databaseValue, .integer(Int64(max(0, limit)))]) { row in
                    QuarantinedOp(id: OpID(origin: origin, seq: row.uint64(0) ?? 0),
                                  hlc: HLC(milliseconds: row.uint64(1) ?? 0, counter: UInt16(clamping: row.int64(2) ?? 0)),
                                  entity: EntityRef(collection: row.string(3) ?? "", entity: row.string(4) ?? ""),
                                  receivedAtMilliseconds: row.uint64(5) ?? 0)
                }
        }
    }
}
