/// Exponential backoff with full jitter, as a pure state machine (swift-nio style): the
/// caller reports each outcome and sleeps for the delay it gets back; no I/O, no clock.
///
/// After the n-th consecutive failure (n = 0 for the first) the delay is uniform in
/// `[0, min(cap, base × 2ⁿ)]` ("full jitter", AWS architecture blog, 2015), so many nodes
/// coming back after an outage do not retry in lockstep. A success resets the count.
///
///     var backoff = Backoff()
///     while true {
///         do { try await syncOnce(); backoff.success(); try await Task.sleep(for: interval) }
///         catch { try await Task.sleep(for: backoff.failure()) }
///     }
public struct Backoff: Sendable, Equatable {
    /// The ceiling of the first delay.
    public let base: Duration
    /// The largest ceiling; delays never exceed it.
    public let cap: Duration
    /// Consecutive failures since the last success (or since the start).
    public private(set) var attempts: Int = 0

    /// A backoff whose ceiling starts at `base` (> 0) and doubles up to `cap` (≥ `base`).
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300)) {
        precondition(base > .zero, "Backoff base must be positive")
        precondition(cap >= base, "Backoff cap must not be below its base")
        self.base = base
        self.cap = cap
    }

    /// The ceiling for the failure after `attempts` earlier ones: `min(cap, base × 2^attempts)`,
    /// computed without overflow for any count.
    public func ceiling(afterAttempts attempts: Int) -> Duration {
        var ceiling = base
        var doublings = 0
        while doublings < attempts, ceiling < cap {
            ceiling = ceiling * 2
            doublings += 1
        }
        return min(ceiling, cap)
    }

    /// Records a failure; returns how long to wait before the next try, drawn from `random`.
    public mutating func failure(random: inout some RandomNumberGenerator) -> Duration {
        failure(atLeast: .zero, random: &random)
    }

    /// Records a failure; returns how long to wait, but no less than `minimum` (e.g. a
    /// peer's "retry after"), drawn from `random`.
    public mutating func failure(atLeast minimum: Duration, random: inout some RandomNumberGenerator) -> Duration {
        let ceilingNanoseconds = Self.nanoseconds(ceiling(afterAttempts: attempts))
        if attempts < Int.max { attempts += 1 }
        let delay = Duration.nanoseconds(Int64.random(in: 0...ceilingNanoseconds, using: &random))
        return max(delay, minimum)
    }

    /// Records a failure; returns how long to wait, drawn from the system generator.
    public mutating func failure() -> Duration {
        var random = SystemRandomNumberGenerator()
        return failure(random: &random)
    }

    /// Records a success: the next failure starts again from `base`.
    public mutating func success() {
        attempts = 0
    }

    /// Whole nanoseconds in `duration`, saturating at `Int64.max` (about 292 years).
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? 0 : .max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : max(0, total)
    }
}
