import SQLite
import SyncProtocol
import Toolkit

/// The offset to the hub's clock (spec §4, "Clock offset") and what keeps it true when the
/// laptop's own clock is set between two syncs.
///
/// Invariants:
/// 1. `meta.clock_offset_ms` is hub time minus our wall clock, as last measured; the store's
///    physical time is `wall + offset` (`OpLog.now`).
/// 2. With it, `meta.clock_offset_ref` records the boot clock and the wall clock at the moment
///    it was measured (`<boot id> <boot ms> <wall ms>`). When the wall clock has since moved by
///    more than the boot clock says real time has (someone ran `timedatectl set-time`, NTP
///    stepped it), the difference was a correction of the wall clock, not time passing: the
///    offset is reduced by exactly that jump (`correctClockOffset`). Without this, a laptop
///    whose clock ran a year ahead and was then set right would apply a year's offset the other
///    way until its next sync, and stamp its reports a year in the past.
extension Store {
    /// Smaller wall-clock jumps than this are drift and measurement noise, left to the next sync.
    public static let clockJumpToleranceMilliseconds: Int64 = 2000

    /// Records how far the trusted time source (the hub) is ahead of our wall clock, in
    /// milliseconds (negative: behind), and, when given, the boot clock at that moment
    /// (invariant 2). From then on this store stamps and judges ops by the corrected time.
    /// Nil forgets the offset.
    public func setClockOffset(_ milliseconds: Int64?, boot: BootClock? = BootClock.now()) throws {
        let wall = options.wallClock()
        try onQueue { db in
            try db.inTransaction(.immediate) {
                if let milliseconds {
                    try Self.putMeta(db, "clock_offset_ms", .integer(milliseconds))
                    if let boot {
                        try Self.putMeta(db, "clock_offset_ref", .text("\(boot.bootID) \(boot.milliseconds) \(wall)"))
                    } else {
                        try db.execute("DELETE FROM meta WHERE key = 'clock_offset_ref'")
                    }
                } else {
                    try db.execute("DELETE FROM meta WHERE key IN ('clock_offset_ms', 'clock_offset_ref')")
                }
            }
        }
    }

    /// The offset last recorded with `setClockOffset` (0 when none).
    public func clockOffset() throws -> Int64 {
        try onQueue { db in try OpLog.clockOffset(db) }
    }

    /// Invariant 2: when the wall clock was set since the offset was measured (same boot, a
    /// jump beyond the tolerance), takes the jump out of the offset and returns it; nil when
    /// nothing was to correct (no offset, another boot, no jump).
    @discardableResult
    public func correctClockOffset(boot: BootClock? = BootClock.now()) throws -> Int64? {
        guard let boot else { return nil }
        let wall = Int64(clamping: options.wallClock())
        return try onQueue { db in
            try db.inTransaction(.immediate) { () -> Int64? in
                guard let text = try db.queryFirst("SELECT value FROM meta WHERE key = 'clock_offset_ref'", [], { $0.string(0) }) ?? nil
                else { return nil }
                let parts = text.split(separator: " ")
                guard parts.count == 3, parts[0] == boot.bootID, let bootThen = Int64(parts[1]), let wallThen = Int64(parts[2]) else {
                    return nil
                }
                let expected = wallThen &+ (Int64(clamping: boot.milliseconds) &- bootThen)
                let jump = wall &- expected
                guard abs(jump) > Self.clockJumpToleranceMilliseconds else { return nil }
                let offset = try OpLog.clockOffset(db)
                try Self.putMeta(db, "clock_offset_ms", .integer(offset &- jump))
                try Self.putMeta(db, "clock_offset_ref", .text("\(boot.bootID) \(boot.milliseconds) \(wall)"))
                return jump
            }
        }
    }

}
