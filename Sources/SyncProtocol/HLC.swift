/// A hybrid logical clock timestamp (Kulkarni et al., 2014) packed in 64 bits.
///
/// Invariants:
/// 1. Bits 63…16 hold milliseconds since the Unix epoch (48 bits: good until year 10889);
///    bits 15…0 hold a logical counter. Comparing raw values compares (milliseconds, counter).
/// 2. Between two recoveries (see `HybridClock`), a clock's timestamps strictly increase.
public struct HLC: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64

    public static let maxMilliseconds: UInt64 = (1 << 48) - 1
    public static let zero = HLC(rawValue: 0)

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(milliseconds: UInt64, counter: UInt16) {
        precondition(milliseconds <= HLC.maxMilliseconds, "HLC milliseconds exceed 48 bits")
        rawValue = milliseconds << 16 | UInt64(counter)
    }

    public var milliseconds: UInt64 { rawValue >> 16 }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static func < (a: HLC, b: HLC) -> Bool { a.rawValue < b.rawValue }

    /// `<milliseconds>.<counter>`, e.g. `1763900000123.7`.
    public var description: String { "\(milliseconds).\(counter)" }
}

/// Why a remote timestamp was not accepted by `HybridClock.receive`.
public struct ClockSkewError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The remote timestamp.
    public let remote: HLC
    /// The receiver's wall clock, milliseconds since the epoch.
    public let wallMilliseconds: UInt64
    /// The tolerated drift, milliseconds.
    public let maxDriftMilliseconds: UInt64

    public var aheadByMilliseconds: UInt64 { remote.milliseconds &- wallMilliseconds }

    public var description: String {
        "timestamp \(remote) is \(aheadByMilliseconds / 1000) s ahead of this clock (limit \(maxDriftMilliseconds / 1000) s)"
    }
}

/// The clock state machine (spec §4): pure, no I/O. The store persists `last` in the same
/// transaction as every op it stamps or admits, so a restart resumes above every timestamp
/// issued since the last recovery, whatever the wall clock says after the restart.
///
/// Invariants:
/// 1. Between two recoveries, `tick` and `receive` return strictly increasing timestamps, and a
///    timestamp admitted by `receive` is below every later one: an op written after its writer
///    admitted op X is stamped above X.
/// 2. **Recovery**: when `last` is more than `maxDriftMilliseconds` ahead of the wall clock
///    (our own clock was wrong and has been corrected), `tick` and `receive` first set `last`
///    to (wall, 0). So a corrected clock stamps by the corrected time at once, instead of
///    counting on from a wrong future for as long as it was wrong. Op ids stay unique (they are
///    (origin, seq)); only last-writer-wins order among concurrent writes uses timestamps, and a
///    write that saw an older one overrides it whatever the timestamps (spec §9.3).
/// 3. After any `tick` or `receive` (refused or not), `last.milliseconds ≤ wall + maxDrift`
///    (+1 only when admitting a timestamp at the limit with counter 65535).
/// 4. A refused `receive` changes nothing but the recovery of 2.
public struct HybridClock: Sendable, Equatable {
    /// The highest timestamp issued or received since the last recovery.
    public private(set) var last: HLC
    /// Remote timestamps more than this far ahead of the wall clock are refused (default 5
    /// minutes); our own `last` further ahead than this is recovered. `UInt64.max` turns both off.
    public var maxDriftMilliseconds: UInt64

    public static let defaultMaxDriftMilliseconds: UInt64 = 5 * 60 * 1000

    public init(last: HLC = .zero, maxDriftMilliseconds: UInt64 = HybridClock.defaultMaxDriftMilliseconds) {
        self.last = last
        self.maxDriftMilliseconds = maxDriftMilliseconds
    }

    /// The latest millisecond this clock accepts at wall time `wall`: `wall + maxDrift`, saturating.
    public func limit(wallMilliseconds wall: UInt64) -> UInt64 {
        let wall = min(wall, HLC.maxMilliseconds)
        return maxDriftMilliseconds > UInt64.max - wall ? UInt64.max : wall + maxDriftMilliseconds
    }

    /// True when `t` is stamped further ahead of `wall` than the skew guard tolerates.
    public func isAhead(_ t: HLC, wallMilliseconds wall: UInt64) -> Bool {
        t.milliseconds > limit(wallMilliseconds: wall)
    }

    /// A timestamp for a local event (or a send): strictly greater than every earlier one since
    /// the last recovery. When the counter is exhausted within one millisecond the clock moves
    /// to the next millisecond instead of wrapping.
    public mutating func tick(wallMilliseconds wall: UInt64) -> HLC {
        let wall = min(wall, HLC.maxMilliseconds)
        recover(wallMilliseconds: wall)
        if wall > last.milliseconds {
            last = HLC(milliseconds: wall, counter: 0)
        } else {
            last = Self.increment(last)
        }
        return last
    }

    /// Merges a remote timestamp. Throws when the remote timestamp is more than
    /// `maxDriftMilliseconds` ahead of the wall clock, and then changes nothing but the
    /// recovery: a lying clock must not drag ours forward.
    @discardableResult
    public mutating func receive(_ remote: HLC, wallMilliseconds wall: UInt64) throws(ClockSkewError) -> HLC {
        let wall = min(wall, HLC.maxMilliseconds)
        recover(wallMilliseconds: wall)
        if isAhead(remote, wallMilliseconds: wall) {
            throw ClockSkewError(remote: remote, wallMilliseconds: wall, maxDriftMilliseconds: maxDriftMilliseconds)
        }
        let ms = max(wall, last.milliseconds, remote.milliseconds)
        if ms == last.milliseconds && ms == remote.milliseconds {
            last = Self.increment(HLC(milliseconds: ms, counter: max(last.counter, remote.counter)))
        } else if ms == last.milliseconds {
            last = Self.increment(last)
        } else if ms == remote.milliseconds {
            last = Self.increment(remote)
        } else {
            last = HLC(milliseconds: ms, counter: 0)
        }
        return last
    }

    /// Invariant 2: a `last` far ahead of the (corrected) wall clock goes back to the wall clock.
    private mutating func recover(wallMilliseconds wall: UInt64) {
        if isAhead(last, wallMilliseconds: wall) { last = HLC(milliseconds: wall, counter: 0) }
    }

    static func increment(_ t: HLC) -> HLC {
        if t.counter == UInt16.max {
            // Counter overflow: borrow the next millisecond rather than wrap to an older value.
            return HLC(milliseconds: t.milliseconds + 1, counter: 0)
        }
        return HLC(milliseconds: t.milliseconds, counter: t.counter + 1)
    }
}
