import Toolkit

/// When the daemon syncs next, as a pure state machine: the caller passes the monotonic time
/// (`now`, time since the daemon started) and the outcome of each round; no clock, no sleep.
///
/// Rules (invariants):
/// 1. The first round is due at once.
/// 2. After a success the next round is due `interval` later, or sooner when a local write is
///    seen (`localWrite`): then at once.
/// 3. After a `now`/`backoff` failure the next round is due after a delay drawn from `Backoff`
///    (exponential, full jitter, capped at `backoffCap`, 5 min by default), but not before the
///    hub's `Retry-After`. A local write does not shorten a backoff.
/// 4. After a `stop`/`reenroll` failure no round is due until `resume` (the credentials
///    changed, or the operator reloaded the configuration).
public struct SyncScheduler: Sendable, Equatable {
    /// What the scheduler waits for.
    public enum Mode: Sendable, Equatable {
        /// The regular interval (or a local write).
        case waiting
        /// The backoff delay after failures.
        case backingOff
        /// Nothing until `resume`; `reason` is the error's status line.
        case stopped(reason: String)
    }

    public private(set) var mode: Mode = .waiting
    /// When the next round is due (time since start); nil while stopped.
    public private(set) var due: Duration?
    /// Time between rounds when all is well.
    public private(set) var interval: Duration
    private var backoff: Backoff

    public init(interval: Duration = .seconds(60), backoffBase: Duration = .seconds(5), backoffCap: Duration = .seconds(300),
                now: Duration = .zero) {
        self.interval = max(interval, .milliseconds(1))
        backoff = Backoff(base: backoffBase, cap: max(backoffCap, backoffBase))
        due = now
    }

    /// Consecutive failures since the last success.
    public var failures: Int { backoff.attempts }

    /// Whether a round should start at `now`.
    public func isDue(at now: Duration) -> Bool {
        due.map { now >= $0 } ?? false
    }

    /// How long to sleep before looking again: until the due time, at most `poll`.
    public func sleepDuration(at now: Duration, poll: Duration) -> Duration {
        guard let due else { return poll }
        return max(.zero, min(poll, due - now))
    }

    /// A round succeeded at `now` (rule 2).
    public mutating func succeeded(at now: Duration) {
        backoff.success()
        mode = .waiting
        due = now + interval
    }

    /// A round failed at `now`; returns the delay until the next round, or nil when stopped
    /// (rules 3, 4).
    @discardableResult
    public mutating func failed(_ error: SyncClientError, at now: Duration,
                                random: inout some RandomNumberGenerator) -> Duration? {
        switch error.retry {
        case .stop, .reenroll:
            mode = .stopped(reason: error.statusLine)
            due = nil
            return nil
        case .now, .backoff:
            let delay = backoff.failure(atLeast: error.retryAfter ?? .zero, random: &random)
            mode = .backingOff
            due = now + delay
            return delay
        }
    }

    /// A local write was seen at `now` (rule 2): sync at once unless backing off or stopped.
    public mutating func localWrite(at now: Duration) {
        guard mode == .waiting, let current = due else { return }
        due = min(current, now)
    }

    /// The credentials or configuration changed: forget failures and sync at once (rule 4).
    public mutating func resume(at now: Duration) {
        backoff.success()
        mode = .waiting
        due = now
    }

    /// A new interval from a configuration reload; a waiting round comes no later than
    /// `now + interval`.
    public mutating func setInterval(_ newInterval: Duration, at now: Duration) {
        interval = max(newInterval, .milliseconds(1))
        if mode == .waiting, let current = due { due = min(current, now + interval) }
    }

    /// Whether rounds are suspended until `resume`.
    public var isStopped: Bool {
        if case .stopped = mode { return true }
        return false
    }
}
