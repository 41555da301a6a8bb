import SyncEngine
import Toolkit

/// `fieldnode daemon`: keeps the node in sync with its hub until told to stop
/// (swift-service-lifecycle style: one `run() async throws`, one `ServiceGroup`).
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
///   `WATCHDOG=1` every half `WATCHDOG_USEC`, but only while the loop keeps its `Heartbeat`
///   (each turn, and each request of a round, promises the next beat) and the store answers a
///   read within a quarter of `WATCHDOG_USEC` (`Watchdog`); `STOPPING=1` on the way out.
/// - One daemon per data directory: a second one exits 1 (`daemon.lock`, `lock(dataDir:)`).
/// - Lifecycle: one `ServiceGroup` of the loop and the watchdog. A loop that ends by itself is
///   a failure: `run` throws, and `fieldnode daemon` exits 70 so that `Restart=on-failure`
///   restarts it.
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
    private let heldLock: FileLock?

    /// A daemon for the node whose store is `store` and whose credentials live in `dataDir`.
    /// `reload` (optional) produces the configuration again on SIGHUP. `lock` is the data
    /// directory's lock when the caller took it already (`lock(dataDir:)`, before opening the
    /// store); otherwise `run` takes it.
    public init(store: Store, dataDir: String, configuration: DaemonConfiguration = DaemonConfiguration(),
                logger: Logger, notifier: SystemdNotifier = SystemdNotifier(),
                reload: (@Sendable () async throws -> DaemonConfiguration)? = nil, lock: FileLock? = nil) {
        self.heldLock = lock
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

    /// Runs until `signals` yields `.term` or `.int`, the task is cancelled, or a part fails;
    /// `.hup` reloads the configuration. For tests and embedding.
    /// - Throws: `CLIError` (exit 1) when another daemon holds the data directory's
    ///   `daemon.lock`; `ServiceGroupError` (exit 70) when the sync loop or the watchdog ended
    ///   by itself.
    public func run<Signals: AsyncSequence & Sendable>(signals: Signals) async throws
        where Signals.Element == UnixSignal, Signals.Failure == Never {
        let lock = try heldLock ?? Self.lock(dataDir: dataDirectory)
        defer { withExtendedLifetime(lock) {} }  // held until the daemon stops
        let reloadRequested = Flag()
        logger.notice("daemon starting", ["node": store.nodeID.hex, "data_dir": dataDirectory])
        let (logger, notifier) = (self.logger, self.notifier)
        let group = ServiceGroup(services(reloadRequested: reloadRequested), onSignal: { signal in
            guard signal == .hup else { return }
            logger.notice("SIGHUP: configuration reload requested")
            reloadRequested.set()
        }, onStop: { reason in
            if case .signal = reason {
                logger.notice("stop requested", ["signal": reason.description])
            } else {
                logger.error("stopping: a part of the daemon ended", ["reason": reason.description])
            }
            Self.notify(logger) { try notifier.stopping() }
        })
        do {
            try await group.run(until: signals)
        } catch {
            logger.error("daemon stopped after a failure", ["error": error.message])
            throw error
        }
        logger.notice("daemon stopped")
    }

    /// The sync loop, then the watchdog when systemd asked for one; the watchdog pings only
    /// while the loop keeps its heartbeat and the store answers a read.
    private func services(reloadRequested: Flag) -> [any Service] {
        let heartbeat = Heartbeat(initial: configuration.pollInterval + DaemonLoop.turnAllowance)
        let (store, dataDirectory, configuration, logger, notifier, reload) =
            (self.store, self.dataDirectory, self.configuration, self.logger, self.notifier, self.reload)
        var services: [any Service] = [ServiceLoop("sync loop") {
            var loop = DaemonLoop(store: store, dataDir: dataDirectory, configuration: configuration, logger: logger,
                                  notifier: notifier, reload: reload, heartbeat: heartbeat)
            await loop.run(reloadRequested: reloadRequested)
        }]
        let checks = [LivenessCheck.heartbeat("sync loop", heartbeat), store.livenessCheck]
        if let watchdog = Watchdog(notifier: notifier, checks: checks, logger: logger) { services.append(watchdog) }
        return services
    }

    /// The file a running daemon holds locked (`flock`), so that a second one on the same data
    /// directory refuses to start; a killed daemon's lock goes with its process.
    public static let lockFileName = "daemon.lock"

    /// Takes `<dataDir>/daemon.lock`, or says who holds it (exit 1).
    public static func lock(dataDir: String) throws(CLIError) -> FileLock {
        let path = dataDir + "/" + lockFileName
        let lock: FileLock?
        do {
            lock = try FileLock.tryAcquire(path)
        } catch {
            throw .user("cannot lock \(path): \(error)", hint: "check that the data directory exists and is writable by this user")
        }
        guard let lock else {
            throw .user("another fieldnode daemon is already running on \(dataDir)",
                        hint: "see it with `systemctl status fieldnode` (or the process holding \(path)); stop it first, or give this one another --data-dir")
        }
        return lock
    }

    private static func notify(_ logger: Logger, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            logger.warning("cannot notify systemd", ["error": String(describing: error)])
        }
    }
}
