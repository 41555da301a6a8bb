import SQLite
import SyncProtocol

/// What happened to a batch of ops from a peer.
public struct ApplyOutcome: Sendable, Hashable {
    /// New ops merged into state.
    public var merged = 0
    /// Ops already held (redelivery): ignored.
    public var duplicates = 0
    /// Ops stamped too far in our future: stored, acknowledged, not merged (yet).
    public var quarantined = 0
    /// Earlier quarantined ops whose time has come, merged now.
    public var released = 0
    /// The origins this batch carried ops of.
    public var origins: [NodeID] = []

    public init() {}
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
        outcome.released = try releaseQuarantine(context, clock: &clock, wall: wall)
        var origins = Set<NodeID>()
        for op in ops {
            origins.insert(op.origin)
            do {
                try clock.receive(op.hlc, wallMilliseconds: wall)
            } catch {
                if try context.insert(op, merged: false, receivedAt: wall) == .inserted {
                    outcome.quarantined += 1
                } else {
                    outcome.duplicates += 1
                }
                continue
            }
            if try context.insert(op, merged: true, receivedAt: wall) == .inserted {
                try observeMerge(op, db: db, receivedAt: wall)
                try context.merge(op)
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

    /// Merges quarantined ops that are no longer in our future. Each gets a new arrival number so
    /// pull cursors that moved past its old one still see it.
    func releaseQuarantine(_ context: MergeContext, clock: inout HybridClock, wall: UInt64) throws -> Int {
        let waiting = try context.db.cachedStatement("""
            SELECT body, received_at FROM ops WHERE scope = ?1 ORDER BY local_seq
            """).query([.integer(MergeContext.quarantineScope)]) { row in (row.blob(0) ?? [], row.uint64(1) ?? 0) }
        var released = 0
        for (body, receivedAt) in waiting {
            let op = try OpCodec.decode(body)
            guard (try? clock.receive(op.hlc, wallMilliseconds: wall)) != nil else { continue }
            try context.removeQuarantined(op)
            _ = try context.insert(op, merged: true, receivedAt: receivedAt)
            try observeMerge(op, db: context.db, receivedAt: receivedAt)
            try context.merge(op)
            released += 1
        }
        return released
    }

    /// Merges every quarantined op whose time has come (run at startup and on each session).
    @discardableResult
    public func releaseQuarantine() throws -> Int {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                var clock = try OpLog.loadClock(db, maxDrift: options.maxDriftMilliseconds)
                let context = try MergeContext(store: self, db: db)
                let n = try releaseQuarantine(context, clock: &clock, wall: try OpLog.now(db, wall: options.wallClock()))
                try context.finish()
                if n > 0 { try OpLog.saveClock(db, clock) }
                return n
            }
        }
    }

    /// Records how far the trusted time source (the hub) is ahead of our wall clock, in
    /// milliseconds (negative: behind). From then on this store stamps and judges ops by the
    /// corrected time. Nil forgets the offset.
    public func setClockOffset(_ milliseconds: Int64?) throws {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                if let milliseconds {
                    try db.execute("INSERT INTO meta(key, value) VALUES ('clock_offset_ms', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                   [.integer(milliseconds)])
                } else {
                    try db.execute("DELETE FROM meta WHERE key = 'clock_offset_ms'")
                }
            }
        }
    }

    /// The offset last recorded with `setClockOffset` (0 when none).
    public func clockOffset() throws -> Int64 {
        try onQueue { db in try OpLog.clockOffset(db) }
    }

    /// Acknowledgement state for the given origins (read after the batch committed).
    public func originStates(_ origins: [NodeID], maxGaps: Int = 64) throws -> [OriginState] {
        try onQueue { db in try origins.map { try OpLog.originState(db, origin: $0, maxGaps: maxGaps) } }
    }
}
