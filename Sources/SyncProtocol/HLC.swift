/// A hybrid logical clock timestamp (Kulkarni et al., 2014) packed in 64 bits.
///
/// Invariants:
/// 1. Bits 63…16 hold milliseconds since the Unix epoch (48 bits: good until year 10889);
///    bits 15…0 hold a logical counter. Comparing raw values compares (milliseconds, counter).
/// 2. A clock never issues the same or a smaller timestamp twice (see `HybridClock`).
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

/// The clock state machine: pure, no I/O. The store persists `last` in the same transaction as
/// every op it stamps, so a restart resumes above every timestamp already issued, whatever the
/// wall clock says after the restart.
public struct HybridClock: Sendable, Equatable {
    /// The highest timestamp issued or received so far.
    public private(set) var last: HLC
    /// Remote timestamps more than this far ahead of the wall clock are refused (default 5 minutes).
    public var maxDriftMilliseconds: UInt64

    public static let defaultMaxDriftMilliseconds: UInt64 = 5 * 60 * 1000

    public init(last: HLC = .zero, maxDriftMilliseconds: UInt64 = HybridClock.defaultMaxDriftMilliseconds) {
        self.last = last
        self.maxDriftMilliseconds = maxDriftMilliseconds
    }

    /// A timestamp for a local event (or a send): strictly greater than every earlier one.
    /// When the counter is exhausted within one millisecond the clock moves to the next
    /// millisecond instead of wrapping.
    public mutating func tick(wallMilliseconds wall: UInt64) -> HLC {
        let wall = min(wall, HLC.maxMilliseconds)
        if wall > last.milliseconds {
            last = HLC(milliseconds: wall, counter: 0)
        } else {
            last = Self.increment(last)
        }
        return last
    }

    /// Merges a remote timestamp. Throws, and changes nothing, when the remote timestamp is more
    /// than `maxDriftMilliseconds` ahead of the wall clock: a lying clock must not drag ours forward.
    @discardableResult
    public mutating func receive(_ remote: HLC, wallMilliseconds wall: UInt64) throws(ClockSkewError) -> HLC {
        let wall = min(wall, HLC.maxMilliseconds)
        if remote.milliseconds > wall &+ maxDriftMilliseconds {
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

    /// Observes a remote timestamp without the drift check (used for ops already admitted).
    public mutating func observe(_ remote: HLC) {
        if remote > last { last = remote }
    }

    static func increment(_ t: HLC) -> HLC {
        if t.counter == UInt16.max {
            // Counter overflow: borrow the next millisecond rather than wrap to an older value.
            return HLC(milliseconds: t.milliseconds + 1, counter: 0)
        }
        return HLC(milliseconds: t.milliseconds, counter: t.counter + 1)
    }
}
