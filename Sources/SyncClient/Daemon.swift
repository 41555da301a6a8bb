import SyncEngine
import Toolkit

/// `fieldnode daemon`: keeps the node in sync with its hub until told to stop
/// (swift-service-lifecycle style: one `run() async throws`, everything in one task group).
///
/// Behaviour:
/// - Syncs at once on start, then every `interval`, and soon after a local write: every
///   `pollInterval` (2 s) it reads the number of own ops (`pushAcked + backlog`, one indexed
///   query) and syncs when it grew. Chosen over watching the store file's mtime because in WAL
///   mode writes land in `-wal` and our own pulls and bookkeeping touch it too.
/// - While the hub is unreachable or answers `backoff`: exponential backoff with full jitter,
///   capped at `backoffCap` (5 min), never before the hub's `Retry-After` (`SyncScheduler`).
/// - On `stop`/`reenroll` advice (revoked, unknown key, unsupported version …): logs one error,
///   shows the reason in `STATUS=` and in `peers.last_error` (`fieldnode status`), and does not
///   retry until `credentials.json` is replaced (re-enrollment) or SIGHUP reloads the
///   configuration. A node that is not enrolled yet waits the same way for `credentials.json`.
/// - systemd: `READY=1` once the first round is scheduled; `STATUS=` after every round;
///   `WATCHDOG=1` every half `WATCHDOG_USEC`; `STOPPING=1` on the way out.
/// - SIGTERM / SIGINT (or cancelling the task): the in-flight request is abandoned (libcurl
///   notices within about a second) and `run()` returns. An acknowledgement is only recorded
///   after the hub's answer, so abandoning loses nothing; the next start resumes there.
/// - SIGHUP: calls `reload` for a new `DaemonConfiguration` (interval, hub URL, TLS, sizes),
///   applied at the next poll (≤ `pollInterval`); a failed reload keeps the old one.
public struct Daemon: Sendable {
    public let store: Store
    public let dataDirectory: String
    public let configuration: DaemonConfiguration
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let reload: (@Sendable () async throws -> DaemonConfiguration)?

    /// A daemon for the node whose store is `store` and whose credentials live in `dataDir`.
    /// `reload` (optional) produces the configuration again on SIGHUP.
    public init(store: Store, dataDir: String, configuration: DaemonConfiguration = DaemonConfiguration(),
                logger: Logger, notifier: SystemdNotifier = SystemdNotifier(),
                reload: (@Sendable () async throws -> DaemonConfiguration)? = nil) {
        self.store = store
        self.dataDirectory = dataDir
        self.configuration = configuration
        self.logger = logger.with(["component": "daemon"])
        self.notifier = notifier
        self.reload = reload
    }

    /// Runs until SIGTERM or SIGINT (or cancellation); SIGHUP reloads the configuration.
    public func run() async throws {
        let signals = UnixSignals(.term, .int, .hup)
        await signals.registered()
        try await run(signals: signals)
    }

    /// Runs until `signals` yields `.term` or `.int`, ends, or the task is cancelled; `.hup`
    /// reloads the configuration. For tests and embedding.
    public func run<Signals: AsyncSequence & Sendable>(signals: Signals) async throws where Signals.Element == UnixSignal {
        let reloadRequested = Flag()
        logger.notice("daemon starting", ["node": store.nodeID.hex, "data_dir": dataDirectory])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var loop = DaemonLoop(store: store, dataDir: dataDirectory, configuration: configuration, logger: logger,
                                      notifier: notifier, reload: reload)
                await loop.run(reloadRequested: reloadRequested)
            }
            group.addTask {
                do {
                    for try await signal in signals {
                        if signal == .hup {
                            logger.notice("SIGHUP: configuration reload requested")
                            reloadRequested.set()
                        } else {
                            logger.notice("stop requested", ["signal": signal.description])
                            return
                        }
                    }
                } catch {
                    logger.error("signal stream failed; stopping", ["error": String(describing: error)])
                }
            }
            if let every = notifier.watchdogPingInterval {
                group.addTask { await watchdog(every: every) }
            }
            // The first child to end (a stop signal, or the loop after cancellation) ends all.
            _ = await group.next()
            group.cancelAll()
        }
        notify { try notifier.stopping() }
        logger.notice("daemon stopped")
    }

    private func watchdog(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return  // cancelled: the daemon is stopping
            }
            notify { try notifier.watchdog() }
        }
    }

    private func notify(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            logger.warning("cannot notify systemd", ["error": String(describing: error)])
        }
    }
}
