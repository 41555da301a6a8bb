/// The progress of a main loop, as the watchdog sees it: each turn of the loop beats and says
/// by when it will beat again, so a loop that is waiting for a long request is not taken for a
/// hung one, and a hung one is noticed once its promise has passed.
///
///     heartbeat.beat(nextWithin: poll + .seconds(5))   // every turn of the loop
///     Watchdog(..., checks: [.heartbeat("sync loop", heartbeat), ...])
public final class Heartbeat: Sendable {
    private struct Beat: Sendable {
        var at: ContinuousClock.Instant
        var within: Duration
    }

    private let last: Locked<Beat>

    /// A heartbeat that counts as beaten now, with the next beat due within `initial`.
    public init(initial: Duration, now: ContinuousClock.Instant = .now) {
        last = Locked(Beat(at: now, within: initial))
    }

    /// The loop made progress at `now`; the next beat comes within `nextWithin`.
    public func beat(nextWithin: Duration, now: ContinuousClock.Instant = .now) {
        last.withLock { $0 = Beat(at: now, within: nextWithin) }
    }

    /// Nil while the promise holds at `now`; else why not, for the log.
    public func overdue(at now: ContinuousClock.Instant = .now) -> String? {
        let beat = last.withLock { $0 }
        let age = now - beat.at
        guard age > beat.within else { return nil }
        return "no progress for \(Self.milliseconds(age)) ms (promised within \(Self.milliseconds(beat.within)) ms)"
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
