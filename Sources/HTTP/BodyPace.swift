import Dispatch

/// When the next bytes of a request body are due: within `timeout` of the last ones
/// (progress), and — with a minimum rate — no later than `timeout` after the body began plus
/// one second per `minBytesPerSecond` bytes received. A client that trickles a large body
/// (a byte every few seconds) thus cannot hold a connection and the part of the request byte
/// budget it filled for ever; one that keeps the average rate is never cut. Pure: the caller
/// passes the time.
struct BodyPace: Sendable {
    let timeout: Duration
    /// Nil: progress only.
    let minBytesPerSecond: Int?
    private var started: DispatchTime?
    private var received = 0

    init(timeout: Duration, minBytesPerSecond: Int?) {
        self.timeout = timeout
        self.minBytesPerSecond = minBytesPerSecond
    }

    /// The deadline for the next read of the body; the first call starts the body's clock.
    mutating func deadline(now: DispatchTime) -> DispatchTime {
        let progress = now + timeout.dispatchInterval
        let start = started ?? now
        started = start
        guard let rate = minBytesPerSecond, rate > 0 else { return progress }
        let earned = DispatchTimeInterval.milliseconds(Int(min(Int64(received) * 1000 / Int64(rate), Int64(Int32.max))))
        return min(progress, start + timeout.dispatchInterval + earned)
    }

    /// Counts bytes of the body read since the clock started.
    mutating func add(_ bytes: Int) {
        if started != nil { received += bytes }
    }

    /// Between requests: the next body starts its own clock.
    mutating func reset() {
        started = nil
        received = 0
    }
}
