import SQLite
import SyncProtocol

/// The `ops` table's companions: the version vector (`origins`) and the clock in `meta`.
struct OpLog {
    let db: Database

    /// Recomputes the version vector of the given origins from `ops`.
    func advanceOrigins(_ origins: some Sequence<NodeID>) throws {
        for origin in Set(origins) {
            let current = try db.cachedStatement("SELECT contiguous FROM origins WHERE origin = ?")
                .queryFirst([origin.databaseValue]) { $0.uint64(0) ?? 0 } ?? 0
            var contiguous = current
            scan: while true {
                let next = try db.cachedStatement("""
                    SELECT seq FROM ops WHERE origin_id = \(StoredBody.originID(1)) AND seq > ?2 ORDER BY seq LIMIT 512
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
        try db.cachedStatement("SELECT max(seq) FROM ops WHERE origin_id = \(StoredBody.originID(1))")
            .queryFirst([origin.databaseValue]) { $0.uint64(0) ?? 0 } ?? 0
    }

    /// The highest sequence number stored for `origin` (0 when none).
    static func maxSeq(_ db: Database, origin: NodeID) throws -> UInt64 {
        try db.cachedStatement("SELECT max_seq FROM origins WHERE origin = ?")
            .queryFirst([origin.databaseValue]) { $0.uint64(0) ?? 0 } ?? 0
    }

    /// The store's notion of now: the wall clock corrected by the offset learned from the hub
    /// (`Store.setClockOffset`), so a laptop whose clock is a year behind still stamps and
    /// accepts ops correctly once it has talked to the hub.
    static func now(_ db: Database, wall: UInt64) throws -> UInt64 {
        corrected(wall, by: try clockOffset(db))
    }

    /// The offset recorded by `Store.setClockOffset` (0 when none); may be negative.
    static func clockOffset(_ db: Database) throws -> Int64 {
        try db.cachedStatement("SELECT value FROM meta WHERE key = 'clock_offset_ms'")
            .queryFirst { $0.int64(0) ?? 0 } ?? 0
    }

    static func corrected(_ wall: UInt64, by offset: Int64) -> UInt64 {
        UInt64(max(0, Int64(clamping: wall) &+ offset))
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
    /// between them. With more than `maxGaps` gaps, the highest seq reported stops before the
    /// first unlisted gap: an acknowledgement must never claim an op that is not held.
    static func originState(_ db: Database, origin: NodeID, maxGaps: Int = 64) throws -> OriginState {
        let (contiguous, maxSeq) = try db.cachedStatement("SELECT contiguous, max_seq FROM origins WHERE origin = ?")
            .queryFirst([origin.databaseValue]) { ($0.uint64(0) ?? 0, $0.uint64(1) ?? 0) } ?? (0, 0)
        var gaps: [ClosedRange<UInt64>] = []
        var reportedMax = maxSeq
        if maxSeq > contiguous {
            var expected = contiguous + 1
            let seqs = try db.cachedStatement("SELECT seq FROM ops WHERE origin_id = \(StoredBody.originID(1)) AND seq > ?2 ORDER BY seq")
                .query([origin.databaseValue, contiguous.databaseValue]) { $0.uint64(0) ?? 0 }
            for seq in seqs {
                if seq > expected {
                    if gaps.count == maxGaps {
                        // More gaps than an ack lists: report only what the listed gaps describe,
                        // so the ack never claims ops beyond an unlisted gap.
                        reportedMax = expected - 1
                        break
                    }
                    gaps.append(expected...(seq - 1))
                }
                expected = seq + 1
            }
        }
        let quarantined = try Quarantine(db: db).count(origin: origin)
        return OriginState(origin: origin, contiguous: contiguous, maxSeq: reportedMax, gaps: gaps, quarantined: quarantined)
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
