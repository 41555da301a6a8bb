import Dispatch

/// When the next bytes of a request body are due.
///
/// Progress only (no minimum rate): within `timeout` of the last read. With
/// `minBytesPerSecond`: within `timeout` of the last *checkpoint*, and a checkpoint is passed
/// each time another `minBytesPerSecond × timeout` bytes have arrived. So every window of
/// `timeout` must carry at least that many bytes: a client trickling a large body (a byte
/// every few seconds), or sending most of it at once and then holding the rest, cannot keep a
/// connection and its share of the request byte budget for ever; a client that keeps the rate
/// is never cut. Pure: the caller passes the time.
struct BodyPace: Sendable {
    let timeout: Duration
    /// Nil: progress only.
    let minBytesPerSecond: Int?
    private var checkpoint: DispatchTime?
    private var sinceCheckpoint = 0

    init(timeout: Duration, minBytesPerSecond: Int?) {
        self.timeout = timeout
        self.minBytesPerSecond = minBytesPerSecond
    }

    /// The bytes each window of `timeout` must carry (nil: progress only).
    private var quantum: Int? {
        guard let rate = minBytesPerSecond, rate > 0 else { return nil }
        let (seconds, attoseconds) = timeout.components
        return max(1, Int(seconds) * rate + Int(attoseconds / 1_000_000_000_000) * rate / 1_000_000)
    }

    /// The deadline for the next read of the body; the first call starts the body's window.
    mutating func deadline(now: DispatchTime) -> DispatchTime {
        guard quantum != nil else { return now + timeout.dispatchInterval }
        let start = checkpoint ?? now
        checkpoint = start
        return start + timeout.dispatchInterval
    }

    /// Counts `bytes` of the body read at `now`; passes a checkpoint once a window's worth came.
    mutating func add(_ bytes: Int, now: DispatchTime) {
        guard let quantum, checkpoint != nil else { return }
        sinceCheckpoint += bytes
        if sinceCheckpoint >= quantum {
            checkpoint = now
            sinceCheckpoint = 0
        }
    }

    /// Between requests: the next body starts its own window.
    mutating func reset() {
        checkpoint = nil
        sinceCheckpoint = 0
    }
}
