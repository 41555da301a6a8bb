import SyncEngine
import SyncProtocol
import Toolkit

/// Settings of sync rounds.
public struct SyncOptions: Sendable, Equatable {
    /// Batch and pull sizes (default: 500 ops / 256 KiB per push, 1 MiB per pull).
    public var limits: SyncSession.Limits
    /// Timeouts and encodings of the HTTP requests.
    public var transport: TransportOptions
    /// The hub clock offset is stored (`Store.setClockOffset`) when a new measurement differs
    /// from the stored one by more than this; each store write is an fsync on a laptop.
    public var clockTolerance: Duration

    public init(limits: SyncSession.Limits = .init(), transport: TransportOptions = .init(),
                clockTolerance: Duration = .milliseconds(500)) {
        self.limits = limits
        self.transport = transport
        self.clockTolerance = clockTolerance
    }
}

/// Runs sync rounds against the hub: drives a `SyncSession` with the store and a `HubClient`.
///
/// One round (`syncOnce`) pushes every unacknowledged own op in batches, each acknowledged and
/// recorded durably before the next, then pulls until the hub says no more, each response
/// stored with its cursor in one transaction. It learns the hub's clock from every response
/// and records the attempt in the store (`peers` row `hub`), success or failure.
///
/// Resumption: an interrupted round (crash, SIGTERM, cut connection) leaves the store at the
/// last recorded acknowledgement and cursor; the next round starts there. A request whose
/// answer was lost is sent again and the hub ignores what it already holds.
///
/// Batch size adapts: two push timeouts in a row halve the batch for later rounds (spec
/// §10.3), down to one op; a round that completes restores the configured size.
public actor SyncRunner {
    /// The store's peer name for the hub.
    public static let peer = "hub"

    public let store: Store
    public let client: HubClient
    private let options: SyncOptions
    private let logger: Logger
    private var running = false
    private var consecutivePushTimeouts = 0
    private var adaptedLimits: SyncSession.Limits

    /// A runner for `credentials` over `transport` (default: libcurl with the credentials' TLS settings).
    public init(store: Store, credentials: Credentials, options: SyncOptions = SyncOptions(), logger: Logger = .disabled,
                transport: (any HubTransport)? = nil) throws(SyncClientError) {
        guard store.nodeID == credentials.nodeID else {
            throw SyncClientError(.enrollmentMismatch,
                                  "credentials.json belongs to node \(credentials.nodeID.hex) but the store is node \(store.nodeID.hex); use the data directory you enrolled",
                                  retry: .stop)
        }
        self.store = store
        self.options = options
        self.logger = logger.with(["component": "sync"])
        adaptedLimits = options.limits
        let chosen: any HubTransport
        if let transport { chosen = transport } else { chosen = try CurlTransport(tls: credentials.tlsSettings, options: options.transport) }
        client = HubClient(credentials: credentials, store: store, transport: chosen, options: options.transport)
    }

    /// One round (see the type). Throws `SyncClientError`; its `retry` says what to do next.
    public func syncOnce() async throws(SyncClientError) -> SyncSummary {
        guard !running else {
            throw SyncClientError(.busy, "a sync round is already running; wait for it to finish", retry: .backoff)
        }
        running = true
        defer { running = false }
        let store = self.store
        var round = Round(storedOffset: 0)
        var session = try await newSession(&round)
        var action = session.start()
        var newEpoch: String?
        while true {
            // Spec §13.7: a hub that answers with another epoch than the one we know was restored
            // from a backup. Reset (cursor 0, acknowledgements unverified) and start the round
            // again, once: it probes what the hub holds, resends what it lost and re-pulls.
            if let epoch = round.epoch, epoch != round.knownEpoch {
                round.epoch = nil
                let changed: Bool
                do {
                    changed = try await store.async { try $0.recordPeerEpoch(peer: Self.peer, epoch: epoch) }
                } catch {
                    action = session.failed(SyncClientError.store(error))
                    continue
                }
                if changed {
                    guard newEpoch == nil else {
                        throw SyncClientError(.badResponse, "the hub's epoch changed twice in one round (two hubs behind one address?); sync stopped, contact the hub admin",
                                              retry: .stop)
                    }
                    newEpoch = epoch
                    logger.notice("the hub was restored from a backup (new epoch); resending what it lost and pulling again",
                                  ["epoch": epoch])
                    session = try await newSession(&round)
                    action = session.start()
                    continue
                }
                round.knownEpoch = epoch
            }
            switch action {
            case .loadPending(let maxOps, let maxBytes):
                action = await storeStep(&session, { try $0.pendingPush(peer: Self.peer, maxOps: maxOps, maxBytes: maxBytes) },
                                         then: { $0.pendingLoaded($1) })
            case .sendPush(let batch, let frame):
                logger.debug("pushing batch", ["ops": String(batch.count), "bytes": String(frame.count),
                                               "from_seq": String(batch.first?.seq ?? 0)])
                let reply = await client.push(frame: frame)
                round.epoch = reply.epoch
                await round.learn(reply.clock, store: store, tolerance: options.clockTolerance, logger: logger)
                switch reply.result {
                case .success(let ack):
                    consecutivePushTimeouts = 0
                    action = session.pushAcknowledged(ack)
                case .failure(let error):
                    consecutivePushTimeouts = error.transportCode == "timedOut" ? consecutivePushTimeouts + 1 : 0
                    action = session.failed(error)
                }
            case .recordAck(let contiguous):
                let held = session.summary.quarantinedAtHub
                action = await storeStep(&session, { try $0.recordPushAck(peer: Self.peer, contiguous: contiguous, heldInQuarantine: held) },
                                         then: { session, _ in session.ackRecorded() })
            case .sendPull(let request):
                let reply = await client.pull(request)
                round.epoch = reply.epoch
                await round.learn(reply.clock, store: store, tolerance: options.clockTolerance, logger: logger)
                switch reply.result {
                case .success(let response): action = session.pullAnswered(response)
                case .failure(let error): action = session.failed(error)
                }
            case .applyPulled(let ops, let next):
                action = await storeStep(&session, { try $0.applyPulled(peer: Self.peer, ops: ops, nextCursor: Int64(clamping: next)) },
                                         then: { $0.pulledApplied($1) })
            case .done(var summary):
                summary.clockOffsetMilliseconds = round.best?.offsetMilliseconds
                summary.newEpoch = newEpoch
                if summary.quarantinedAtHub > 0 {
                    summary.reportsHeldAtHub = (try? await store.async { try $0.entitiesStampedAhead() }) ?? 0
                }
                consecutivePushTimeouts = 0
                adaptedLimits = options.limits
                await record(error: nil, offset: summary.clockOffsetMilliseconds)
                logger.info("sync round finished", ["pushed": String(summary.pushedOps), "pulled": String(summary.pulledOps),
                                                    "cursor": String(summary.cursor),
                                                    "quarantined_at_hub": String(summary.quarantinedAtHub)])
                return summary
            case .fail(let error):
                if consecutivePushTimeouts >= 2 { shrinkBatches() }
                if error.code != .cancelled {
                    await record(error: error.statusLine, offset: round.best?.offsetMilliseconds)
                }
                throw error
            }
        }
    }

    /// A session from the store's peer state (acknowledgement, cursor, whether it is verified).
    private func newSession(_ round: inout Round) async throws(SyncClientError) -> SyncSession {
        let start: (state: PeerState, offset: Int64)
        do {
            start = try await store.async { store in
                try store.correctClockOffset()  // the wall clock may have been set since the offset was measured
                return (try store.peerState(Self.peer), try store.clockOffset())
            }
        } catch {
            throw SyncClientError.store(error)
        }
        round.storedOffset = start.offset
        round.knownEpoch = start.state.epoch
        return SyncSession(nodeID: store.nodeID, pushAcked: start.state.pushAcked,
                           cursor: UInt64(max(0, start.state.pullCursor)), limits: adaptedLimits,
                           acksVerified: start.state.acksVerified, heldAtHub: start.state.heldAtPeer)
    }

    /// Runs a blocking store call off the cooperative threads and feeds the result to `session`.
    private func storeStep<T: Sendable>(_ session: inout SyncSession, _ body: @escaping @Sendable (Store) throws -> T,
                                        then next: (inout SyncSession, T) -> SyncSession.Action) async -> SyncSession.Action {
        do {
            let value = try await store.async(body)
            return next(&session, value)
        } catch {
            return session.failed(SyncClientError.store(error))
        }
    }

    private func shrinkBatches() {
        consecutivePushTimeouts = 0
        let before = adaptedLimits.maxBatchBytes
        adaptedLimits.maxBatchOps = max(1, adaptedLimits.maxBatchOps / 2)
        adaptedLimits.maxBatchBytes = max(1024, adaptedLimits.maxBatchBytes / 2)
        logger.notice("two push timeouts in a row; halving the batch size", ["from_bytes": String(before),
                                                                            "to_bytes": String(adaptedLimits.maxBatchBytes)])
    }

    /// `Store.recordSyncAttempt`; a failure to record is logged, not thrown (the round's own
    /// outcome matters more).
    private func record(error: String?, offset: Int64?) async {
        do {
            try await store.async { store in
                try store.recordSyncAttempt(peer: Self.peer, error: error, clockOffsetMilliseconds: offset)
            }
        } catch {
            logger.warning("cannot record the sync attempt in the store", ["error": String(describing: error)])
        }
    }

    /// The batch limits the next round starts with (halved after repeated timeouts).
    public var currentLimits: SyncSession.Limits { adaptedLimits }
}

/// Per-round clock bookkeeping: the best sample (shortest round trip) and the stored offset.
private struct Round {
    var storedOffset: Int64
    var best: ClockSample?
    /// The hub epoch the store knew at the start of the round, and the last one a response named.
    var knownEpoch: String?
    var epoch: String?

    /// Keeps the best sample and stores its offset when it moved past `tolerance`, before the
    /// round goes on (so pulled ops are judged by the corrected clock).
    mutating func learn(_ sample: ClockSample?, store: Store, tolerance: Duration, logger: Logger) async {
        guard let sample else { return }
        if best.map({ sample.roundTrip < $0.roundTrip }) ?? true { best = sample }
        let offset = sample.offsetMilliseconds
        guard abs(offset &- storedOffset) > tolerance.wholeMilliseconds else { return }
        do {
            try await store.async { store in try store.setClockOffset(offset) }
            storedOffset = offset
            if abs(offset) > Int64(store.options.maxDriftMilliseconds) {
                // Spec §4: tell the operator; the store now stamps ops by the hub's time.
                logger.warning("this laptop's clock is far from the hub's; fix the system clock", ["offset_ms": String(offset)])
            } else {
                logger.info("learned the hub's clock offset", ["offset_ms": String(offset)])
            }
        } catch {
            // Not fatal: the round goes on with the old offset; the next response tries again.
            logger.warning("cannot store the hub's clock offset", ["error": String(describing: error)])
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var wholeMilliseconds: Int64 {
        components.seconds &* 1000 &+ components.attoseconds / 1_000_000_000_000_000
    }
}
