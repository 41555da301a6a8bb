import SQLite
import SyncProtocol

/// The `ops` table and its companions (`origins`, the clock in `meta`).
struct OpLog {
    let store: Store
    let db: Database

    enum InsertResult {
        case inserted
        case duplicate
    }

    /// Stores an op exactly once per (origin, seq). A second copy with the same bytes is a
    /// duplicate (idempotent redelivery); a second copy with different bytes is refused.
    @discardableResult
    func insert(_ op: Op, merged: Bool, receivedAt: UInt64, scope fixedScope: String? = nil) throws -> InsertResult {
        let body = OpCodec.encode(op)
        let scope: String
        if let fixedScope {
            scope = fixedScope
        } else if !merged {
            scope = ScopePolicy.quarantine
        } else if store.role == .hub {
            scope = store.options.scopePolicy.scope(op, try owner(of: op))
        } else {
            scope = ScopePolicy.local
        }
        let statement = try db.cachedStatement("""
            INSERT INTO ops(origin, seq, hlc, collection, entity, scope, merged, received_at, body)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT(origin, seq) DO NOTHING
            """)
        try statement.execute([op.origin.databaseValue, op.seq.databaseValue, op.hlc.databaseValue,
                               .text(op.collection), .text(op.entity), .text(scope), .integer(merged ? 1 : 0),
                               receivedAt.databaseValue, .blob(body)])
        if db.changes == 1 { return .inserted }
        let existing = try db.cachedStatement("SELECT body FROM ops WHERE origin = ? AND seq = ?")
            .queryFirst([op.origin.databaseValue, op.seq.databaseValue]) { $0.blob(0) } ?? nil
        if existing != body {
            throw StoreError(.divergentOp, "op \(op.id) arrived with content different from the copy already stored; the sending replica reuses sequence numbers (was it restored from a backup?)")
        }
        return .duplicate
    }

    /// Gives the entity's earlier ops stored without an owner (scope `hub`) the scope the policy
    /// now assigns, each under a new arrival number so that no pull cursor has passed it.
    func rescopeOrphans(of creator: Op) throws {
        guard store.role == .hub else { return }
        let orphans = try db.cachedStatement("""
            SELECT local_seq, body FROM ops WHERE collection = ?1 AND entity = ?2 AND scope = ?3 AND merged = 1
            ORDER BY local_seq
            """).query([.text(creator.collection), .text(creator.entity), .text(ScopePolicy.hubOnly)]) {
                ($0.int64(0) ?? 0, $0.blob(1) ?? [])
            }
        for (localSeq, body) in orphans {
            let op = try OpCodec.decode(body)
            let scope = store.options.scopePolicy.scope(op, creator.origin)
            guard scope != ScopePolicy.hubOnly else { continue }
            let row = try db.cachedStatement("SELECT received_at FROM ops WHERE local_seq = ?")
                .queryFirst([.integer(localSeq)]) { $0.uint64(0) ?? 0 } ?? 0
            try db.cachedStatement("DELETE FROM ops WHERE local_seq = ?").execute([.integer(localSeq)])
            try insert(op, merged: true, receivedAt: row, scope: scope)
        }
    }

    /// The node that created the entity: known from its first `exist(1)` op.
    private func owner(of op: Op) throws -> NodeID? {
        if case .exist(1) = op.action { return op.origin }
        return try db.cachedStatement("SELECT owner FROM entities WHERE collection = ? AND entity = ?")
            .queryFirst([.text(op.collection), .text(op.entity)]) { $0.nodeID(0) } ?? nil
    }

    /// Recomputes the version vector of the given origins from `ops`.
    func advanceOrigins(_ origins: some Sequence<NodeID>) throws {
        for origin in Set(origins) {
            let current = try db.cachedStatement("SELECT contiguous FROM origins WHERE origin = ?")
                .queryFirst([origin.databaseValue]) { $0.uint64(0) ?? 0 } ?? 0
            var contiguous = current
            scan: while true {
                let next = try db.cachedStatement("""
                    SELECT seq FROM ops WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT 512
                    """).query([origin.databaseValue, contiguous.databaseValue]) { $0.uint64(0) ?? 0 }
                if next.isEmpty { break }
                for seq in next {
                    guard seq == contiguous + 1 else { break scan }
                    contiguous = seq
                }
                if next.count < 512 { break }
            }
            let maxSeq = try OpLog.maxSeqInOps(db, origin: origin)
            try db.cachedStatement("""
                INSERT INTO origins(origin, contiguous, max_seq) VALUES (?1, ?2, ?3)
                ON CONFLICT(origin) DO UPDATE SET contiguous = excluded.contiguous, max_seq = excluded.max_seq
                """).execute([origin.databaseValue, contiguous.databaseValue, maxSeq.databaseValue])
        }
    }

    static func maxSeqInOps(_ db: Database, origin: NodeID) throws -> UInt64 {
        try db.cachedStatement("SELECT max(seq) FROM ops WHERE origin = ?")
            .queryFirst([origin.databaseValue]) { $0.uint64(0) ?? 0 } ?? 0
    }

    /// The highest sequence number stored for `origin` (0 when none).
    static func maxSeq(_ db: Database, origin: NodeID) throws -> UInt64 {
        try db.cachedStatement("SELECT max_seq FROM origins WHERE origin = ?")
            .queryFirst([origin.databaseValue]) { $0.uint64(0) ?? 0 } ?? 0
    }

    static func loadClock(_ db: Database, maxDrift: UInt64) throws -> HybridClock {
        let raw = try db.cachedStatement("SELECT value FROM meta WHERE key = 'hlc'")
            .queryFirst { $0.uint64(0) ?? 0 } ?? 0
        return HybridClock(last: HLC(rawValue: raw), maxDriftMilliseconds: maxDrift)
    }

    static func saveClock(_ db: Database, _ clock: HybridClock) throws {
        try db.cachedStatement("UPDATE meta SET value = ? WHERE key = 'hlc'").execute([clock.last.databaseValue])
    }

    /// Per-origin acknowledgement state: contiguous prefix, highest seq, and the missing ranges
    /// between them (at most `maxGaps`).
    static func originState(_ db: Database, origin: NodeID, maxGaps: Int = 64) throws -> OriginState {
        let (contiguous, maxSeq) = try db.cachedStatement("SELECT contiguous, max_seq FROM origins WHERE origin = ?")
            .queryFirst([origin.databaseValue]) { ($0.uint64(0) ?? 0, $0.uint64(1) ?? 0) } ?? (0, 0)
        var gaps: [ClosedRange<UInt64>] = []
        if maxSeq > contiguous {
            var expected = contiguous + 1
            let seqs = try db.cachedStatement("SELECT seq FROM ops WHERE origin = ?1 AND seq > ?2 ORDER BY seq")
                .query([origin.databaseValue, contiguous.databaseValue]) { $0.uint64(0) ?? 0 }
            for seq in seqs {
                if seq > expected {
                    gaps.append(expected...(seq - 1))
                    if gaps.count == maxGaps { break }
                }
                expected = seq + 1
            }
        }
        let quarantined = try db.cachedStatement("SELECT count(*) FROM ops WHERE origin = ? AND merged = 0")
            .queryFirst([origin.databaseValue]) { $0.int64(0) ?? 0 } ?? 0
        return OriginState(origin: origin, contiguous: contiguous, maxSeq: maxSeq, gaps: gaps, quarantined: Int(quarantined))
    }
}

/// What a replica holds of one origin's ops: the acknowledgement it sends back.
public struct OriginState: Sendable, Hashable {
    public let origin: NodeID
    /// Ops 1…contiguous are all stored durably.
    public let contiguous: UInt64
    public let maxSeq: UInt64
    /// Missing ranges between `contiguous` and `maxSeq`.
    public let gaps: [ClosedRange<UInt64>]
    /// How many of this origin's stored ops wait in quarantine (stamped in our future).
    public let quarantined: Int

    public init(origin: NodeID, contiguous: UInt64, maxSeq: UInt64, gaps: [ClosedRange<UInt64>], quarantined: Int) {
        self.origin = origin
        self.contiguous = contiguous
        self.maxSeq = maxSeq
        self.gaps = gaps
        self.quarantined = quarantined
    }
}
