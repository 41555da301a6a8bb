import SyncEngine
import SyncProtocol

/// One sync round of a node with its hub (spec §10.7) as a pure state machine (swift-nio
/// style): each event is a `mutating func` returning the next `Action`; `SyncRunner` performs
/// the actions (store calls, HTTP) and feeds the results back. No I/O, no clock, no randomness.
///
///     start ─► loadPending ─► (ops?) ─► sendPush ─► recordAck ─► loadPending … (none left)
///                                                              ─► sendPull ─► applyPulled ─► (more?) sendPull … ─► done
///     any failure ─► fail(error)   (or a retry action when the advice is `now`)
///
/// Invariants:
/// 1. An acknowledgement is recorded only from a hub's `200` push ack, after the request;
///    the next batch is loaded only after the ack is recorded (durably, by the runner).
/// 2. A batch frame is at most `Limits.maxBatchBytes`, unless it holds a single op.
/// 3. Pulled ops are applied together with their `next cursor`; a response whose cursor went
///    backwards is refused (`stop`: a hub bug, spec §10.4).
/// 4. Retry advice (spec §11.2): `now` re-sends at once after its adjustment (`too_large`:
///    half the batch; `stale_counter`: the runner already raised the counter; `resync_required`:
///    pull from cursor 0), at most `maxImmediateRetries` times in a row, then it counts as
///    `backoff`; `backoff`, `stop` and `reenroll` end the round with `fail`.
/// 5. Every loop makes progress or fails: an ack that holds none of the batch, or a `more`
///    response that neither moves the cursor nor carries ops, ends the round.
/// 6. When the acknowledgements are unverified (the hub started a new epoch, spec §13.7), the
///    round begins with an empty push (a probe): its ack says what the hub holds of our ops,
///    and the acknowledgement is set to it — backwards too — before anything else is sent.
///    A round also probes while the hub holds some of our ops in quarantine, so the count the
///    operator sees follows an admin's release even when there is nothing new to push.
public struct SyncSession: Sendable {
    /// Batch and pull sizes.
    public struct Limits: Sendable, Equatable {
        /// Largest push frame (spec §10.3: at most 256 KiB).
        public var maxBatchBytes: Int
        /// Most ops per push (spec §10.3: at most 500).
        public var maxBatchOps: Int
        /// `max bytes` of each pull request (1024 … 16 MiB).
        public var pullMaxBytes: Int
        /// Consecutive `now` retries of one request before it counts as `backoff`.
        public var maxImmediateRetries: Int

        public init(maxBatchBytes: Int = 256 * 1024, maxBatchOps: Int = 500, pullMaxBytes: Int = 1024 * 1024,
                    maxImmediateRetries: Int = 3) {
            self.maxBatchBytes = max(BatchCodec.headerBytes + BatchCodec.trailerBytes + 64, maxBatchBytes)
            self.maxBatchOps = max(1, maxBatchOps)
            self.pullMaxBytes = min(max(Int(PullRequest.minMaxBytes), pullMaxBytes), BatchLimits.standard.maxFrameBytes)
            self.maxImmediateRetries = max(0, maxImmediateRetries)
        }
    }

    /// What the runner does next.
    public enum Action: Sendable, Equatable {
        /// Read up to `maxOps` unacknowledged own ops of about `maxBytes` (`Store.pendingPush`),
        /// then call `pendingLoaded`.
        case loadPending(maxOps: Int, maxBytes: Int)
        /// `POST /v1/push` with `frame` (the encoding of `batch`), then `pushAcknowledged` or `failed`.
        case sendPush(batch: [Op], frame: [UInt8])
        /// `Store.recordPushAck(peer:contiguous:)`, then `ackRecorded` or `failed`.
        case recordAck(contiguous: UInt64)
        /// `POST /v1/pull`, then `pullAnswered` or `failed`.
        case sendPull(PullRequest)
        /// `Store.applyPulled(peer:ops:nextCursor:)` in one transaction, then `pulledApplied` or `failed`.
        case applyPulled(ops: [Op], nextCursor: UInt64)
        /// The round is complete.
        case done(SyncSummary)
        /// The round ended; `error.retry` says what to do next.
        case fail(SyncClientError)
    }

    enum Phase: Sendable, Equatable {
        case idle
        case loading
        case pushing(batch: [Op], frame: [UInt8])
        case recording(contiguous: UInt64, batch: [Op])
        case pulling(PullRequest)
        case applying(nextCursor: UInt64, more: Bool)
        case finished
    }

    public let nodeID: NodeID
    public private(set) var limits: Limits
    /// Own ops 1…pushAcked are acknowledged (as far as this round knows).
    public private(set) var pushAcked: UInt64
    /// The pull cursor this round works from (0 while re-bootstrapping).
    public private(set) var cursor: UInt64
    public private(set) var summary = SyncSummary()
    private(set) var phase: Phase = .idle
    /// `now` retries of the current request so far.
    private var immediateRetries = 0

    /// Whether `pushAcked` is known to hold at the hub (false: probe first, invariant 6).
    public let acksVerified: Bool
    /// Probe first (invariant 6): acknowledgements unverified, or ops held in quarantine.
    public let probeFirst: Bool

    /// A round for `nodeID`, whose store says ops up to `pushAcked` are acknowledged and whose
    /// pull cursor is `cursor`.
    public init(nodeID: NodeID, pushAcked: UInt64, cursor: UInt64, limits: Limits = Limits(), acksVerified: Bool = true,
                heldAtHub: Int = 0) {
        self.nodeID = nodeID
        self.pushAcked = pushAcked
        self.cursor = cursor
        self.limits = limits
        self.acksVerified = acksVerified
        probeFirst = !acksVerified || heldAtHub > 0
        summary.cursor = cursor
    }

    /// Whether the round has ended (`done` or `fail` was returned).
    public var isFinished: Bool { phase == .finished }

    // MARK: Events

    /// Starts the round: push first.
    public mutating func start() -> Action {
        guard phase == .idle else { return outOfOrder("start") }
        guard !probeFirst else {
            let frame = BatchCodec.encode([], compress: false)
            phase = .pushing(batch: [], frame: frame)
            return .sendPush(batch: [], frame: frame)
        }
        return loadNext()
    }

    /// The store returned these unacknowledged own ops (ascending by seq).
    public mutating func pendingLoaded(_ ops: [Op]) -> Action {
        guard phase == .loading else { return outOfOrder("pendingLoaded") }
        guard !ops.isEmpty else { return pull(from: cursor) }
        guard ops.allSatisfy({ $0.origin == nodeID }), let first = ops.first, first.seq > pushAcked else {
            return finish(.fail(SyncClientError(.internalError, "the store offered ops that are not this node's unacknowledged ops; run `fieldnode status` and report this",
                                                retry: .stop)))
        }
        var batch = Array(ops.prefix(limits.maxBatchOps))
        var frame = BatchCodec.encode(batch, compress: true)
        while frame.count > limits.maxBatchBytes && batch.count > 1 {
            // Shrink in proportion to the overshoot, at least one op at a time (invariant 2).
            let keep = min(batch.count - 1, max(1, batch.count * limits.maxBatchBytes / frame.count))
            batch.removeLast(batch.count - keep)
            frame = BatchCodec.encode(batch, compress: true)
        }
        phase = .pushing(batch: batch, frame: frame)
        return .sendPush(batch: batch, frame: frame)
    }

    /// The hub answered the push with `ack` (after its commit).
    public mutating func pushAcknowledged(_ ack: PushAck) -> Action {
        guard case .pushing(let batch, _) = phase else { return outOfOrder("pushAcknowledged") }
        immediateRetries = 0
        guard let mine = ack.perOrigin.first(where: { $0.origin == nodeID }) else {
            return finish(.fail(.badResponse("the push ack does not list this node's ops")))
        }
        summary.quarantinedAtHub = mine.quarantined
        guard let first = batch.first else {
            // The probe of invariant 6: the hub's word is what it holds now.
            if mine.contiguousSeq < pushAcked { summary.rewoundTo = mine.contiguousSeq }
            summary.probed = true
            phase = .recording(contiguous: mine.contiguousSeq, batch: batch)
            return .recordAck(contiguous: mine.contiguousSeq)
        }
        guard mine.contiguousSeq >= first.seq else {
            if mine.contiguousSeq < pushAcked {
                // The hub holds less than it acknowledged before (restored from a backup): follow
                // it back and resend what it lost; redelivery is idempotent.
                summary.rewoundTo = mine.contiguousSeq
                phase = .recording(contiguous: mine.contiguousSeq, batch: batch)
                return .recordAck(contiguous: mine.contiguousSeq)
            }
            return finish(.fail(SyncClientError(.badResponse,
                "the hub acknowledged the push without storing it (contiguous \(mine.contiguousSeq), batch from \(first.seq)); will retry",
                retry: .backoff)))
        }
        summary.pushBatches += 1
        summary.pushedOps += batch.count { $0.seq <= mine.contiguousSeq }
        phase = .recording(contiguous: mine.contiguousSeq, batch: batch)
        return .recordAck(contiguous: mine.contiguousSeq)
    }

    /// The acknowledgement is durably recorded; go on with the next batch.
    public mutating func ackRecorded() -> Action {
        guard case .recording(let contiguous, _) = phase else { return outOfOrder("ackRecorded") }
        pushAcked = contiguous
        return loadNext()
    }

    /// The hub answered the pull.
    public mutating func pullAnswered(_ response: PullResponse) -> Action {
        guard case .pulling(let request) = phase else { return outOfOrder("pullAnswered") }
        immediateRetries = 0
        guard response.nextCursor >= request.cursor else {
            return finish(.fail(SyncClientError(.badResponse,
                "the hub moved the pull cursor backwards (\(request.cursor) → \(response.nextCursor)); sync stopped, contact the hub admin",
                retry: .stop)))
        }
        if response.more && response.ops.isEmpty && response.nextCursor == request.cursor {
            return finish(.fail(.badResponse("the hub said more ops wait but sent none and kept the cursor at \(request.cursor)")))
        }
        summary.pullRequests += 1
        summary.pulledOps += response.ops.count
        phase = .applying(nextCursor: response.nextCursor, more: response.more)
        return .applyPulled(ops: response.ops, nextCursor: response.nextCursor)
    }

    /// The pulled ops and their cursor are committed (one transaction).
    public mutating func pulledApplied(_ outcome: ApplyOutcome) -> Action {
        guard case .applying(let next, let more) = phase else { return outOfOrder("pulledApplied") }
        summary.mergedOps += outcome.merged
        summary.duplicateOps += outcome.duplicates
        summary.quarantinedOps += outcome.quarantined
        cursor = next
        summary.cursor = next
        if more { return pull(from: next) }
        return finish(.done(summary))
    }

    /// A request or a store call failed with `error` (its `retry` is the advice).
    public mutating func failed(_ error: SyncClientError) -> Action {
        guard phase != .finished, phase != .idle else { return outOfOrder("failed") }
        guard error.retry == .now else { return finish(.fail(error)) }
        guard immediateRetries < limits.maxImmediateRetries else {
            return finish(.fail(SyncClientError(error.code, error.message + " (after \(immediateRetries) immediate retries; backing off)",
                                                retry: .backoff, retryAfter: error.retryAfter, wire: error.wire,
                                                transportCode: error.transportCode)))
        }
        immediateRetries += 1
        switch (phase, error.wire?.code) {
        case (.pushing(let batch, _), .tooLarge?):
            guard batch.count > 1 else {
                return finish(.fail(SyncClientError(error.code, "a single op is larger than the hub accepts; contact the hub admin",
                                                    retry: .stop, wire: error.wire)))
            }
            limits.maxBatchOps = max(1, batch.count / 2)
            limits.maxBatchBytes = max(BatchCodec.headerBytes + BatchCodec.trailerBytes + 64, limits.maxBatchBytes / 2)
            return loadNext()
        case (.pulling(let request), .tooLarge?):
            limits.pullMaxBytes = max(Int(PullRequest.minMaxBytes), limits.pullMaxBytes / 2)
            return pull(from: request.cursor)
        case (.pulling(let request), .resyncRequired?):
            guard request.cursor > 0 else {
                return finish(.fail(.badResponse("the hub asked for a re-bootstrap of a pull from cursor 0")))
            }
            summary.resynced = true
            cursor = 0
            return pull(from: 0)
        case (.pushing(let batch, let frame), _):
            return .sendPush(batch: batch, frame: frame)  // stale counter: the runner raised it
        case (.pulling(let request), _):
            return pull(from: request.cursor)
        default:
            return finish(.fail(error))  // a store call never advises `now`; end the round
        }
    }

    // MARK: Helpers

    private mutating func loadNext() -> Action {
        phase = .loading
        return .loadPending(maxOps: limits.maxBatchOps, maxBytes: limits.maxBatchBytes - BatchCodec.headerBytes - BatchCodec.trailerBytes)
    }

    private mutating func pull(from cursor: UInt64) -> Action {
        let request = PullRequest(cursor: cursor, maxBytes: UInt64(limits.pullMaxBytes))
        phase = .pulling(request)
        return .sendPull(request)
    }

    private mutating func finish(_ action: Action) -> Action {
        phase = .finished
        return action
    }

    private mutating func outOfOrder(_ event: StaticString) -> Action {
        let state: String
        switch phase {
        case .idle: state = "idle"
        case .loading: state = "loading"
        case .pushing: state = "pushing"
        case .recording: state = "recording"
        case .pulling: state = "pulling"
        case .applying: state = "applying"
        case .finished: state = "finished"
        }
        return finish(.fail(SyncClientError(.internalError, "sync session got \(event) while \(state); this is a bug in fieldnode, please report it",
                                            retry: .stop)))
    }
}
