import SyncEngine
import Toolkit

/// The daemon's main loop (see `Daemon`): poll, maybe sync, sleep. Lives inside one child
/// task; all of its state is local to that task.
struct DaemonLoop {
    let store: Store
    let dataDir: String
    var configuration: DaemonConfiguration
    let logger: Logger
    let notifier: SystemdNotifier
    let reload: (@Sendable () async throws -> DaemonConfiguration)?
    /// Beaten every turn and around every request (`DaemonTransport`), for the watchdog.
    let heartbeat: Heartbeat

    /// What a turn may take beyond its sleep and its requests: the store reads and writes of
    /// a poll or a round step, reading `credentials.json`. The watchdog's store check catches
    /// a store slower than that on its own.
    static let turnAllowance = Duration.seconds(30)

    private let started = ContinuousClock.now
    private var scheduler: SyncScheduler
    private var runner: SyncRunner?
    private var credentials: Credentials?
    /// `Credentials.fileFingerprint` of the file `credentials`/`runner` came from ("" = never looked).
    private var fingerprint: String? = ""
    /// Own ops in the store (`pushAcked + backlog`) at the last poll: growth means a local write.
    private var ownOps: UInt64?
    private var random = SystemRandomNumberGenerator()
    /// Whether the last poll failed (so a broken store is logged once per streak, not every poll).
    private var pollFailing = false

    init(store: Store, dataDir: String, configuration: DaemonConfiguration, logger: Logger, notifier: SystemdNotifier,
         reload: (@Sendable () async throws -> DaemonConfiguration)?, heartbeat: Heartbeat) {
        self.store = store
        self.dataDir = dataDir
        self.configuration = configuration
        self.logger = logger
        self.notifier = notifier
        self.reload = reload
        self.heartbeat = heartbeat
        scheduler = SyncScheduler(interval: configuration.interval, backoffBase: configuration.backoffBase,
                                  backoffCap: configuration.backoffCap)
    }

    private var now: Duration { ContinuousClock.now - started }

    mutating func run(reloadRequested: Flag) async {
        var first = true
        while !Task.isCancelled {
            heartbeat.beat(nextWithin: configuration.pollInterval + Self.turnAllowance)
            if reloadRequested.take() { await reloadConfiguration() }
            await poll()
            if first {
                first = false
                notify { try notifier.ready(status: "first sync scheduled") }
            }
            if scheduler.isDue(at: now), let runner {
                await round(runner)
            }
            do {
                try await Task.sleep(for: scheduler.sleepDuration(at: now, poll: configuration.pollInterval))
            } catch {
                return  // cancelled: the daemon is stopping
            }
        }
    }

    /// Looks for a replaced `credentials.json` and for local writes.
    private mutating func poll() async {
        let dataDir = self.dataDir
        let probe: (fingerprint: String?, ownOps: UInt64?)
        do {
            probe = try await store.async { store in
                let fingerprint = Credentials.fileFingerprint(dataDir: dataDir)
                let acked = try store.peerState(SyncRunner.peer).pushAcked
                return (fingerprint, acked + UInt64(max(0, try store.backlog(peer: SyncRunner.peer))))
            }
        } catch {
            if !pollFailing { logger.error("cannot read the store", ["error": String(describing: error)]) }
            pollFailing = true
            return
        }
        pollFailing = false
        if probe.fingerprint != fingerprint {
            fingerprint = probe.fingerprint
            await loadCredentials()
        }
        if let own = probe.ownOps {
            if let before = ownOps, own > before { scheduler.localWrite(at: now) }
            ownOps = own
        }
    }

    private mutating func loadCredentials() async {
        let dataDir = self.dataDir
        do {
            let loaded = try await Blocking.run { try Credentials.load(dataDir: dataDir) }
            credentials = loaded
            try makeRunner()
            logger.notice("credentials loaded", ["hub": loaded.hubURL.base, "node": loaded.nodeID.hex])
            scheduler.resume(at: now)
        } catch let error as SyncClientError {
            runner = nil
            stop(error)
        } catch {
            runner = nil
            stop(SyncClientError(.credentialsUnreadable, "cannot load credentials: \(error)", retry: .stop))
        }
    }

    private mutating func makeRunner() throws(SyncClientError) {
        guard let credentials else { return }
        let effective = try configuration.applied(to: credentials)
        let transport = DaemonTransport(base: try CurlTransport(tls: effective.tlsSettings, options: configuration.sync.transport),
                                        heartbeat: heartbeat, options: configuration.sync.transport,
                                        pollInterval: configuration.pollInterval)
        runner = try SyncRunner(store: store, credentials: effective, options: configuration.sync, logger: logger,
                                transport: transport)
    }

    private mutating func reloadConfiguration() async {
        guard let reload else {
            logger.warning("SIGHUP ignored: this daemon has no configuration to reload")
            return
        }
        notify { try notifier.reloading() }
        do {
            configuration = try await reload()
            scheduler.setInterval(configuration.interval, at: now)
            try makeRunner()
            scheduler.resume(at: now)
            logger.notice("configuration reloaded", ["interval_s": String(configuration.interval.components.seconds)])
            notify { try notifier.ready(status: "configuration reloaded") }
        } catch let error as SyncClientError {
            stop(error)
            notify { try notifier.ready(status: "reload failed: " + error.statusLine) }
        } catch {
            logger.error("configuration reload failed; keeping the previous configuration", ["error": String(describing: error)])
            notify { try notifier.ready(status: "reload failed; previous configuration kept") }
        }
    }

    private mutating func round(_ runner: SyncRunner) async {
        do {
            let summary = try await runner.syncOnce()
            if scheduler.failures > 0 { logger.notice("sync recovered", ["after_failures": String(scheduler.failures)]) }
            scheduler.succeeded(at: now)
            notify { try notifier.status("synced: pushed \(summary.pushedOps), pulled \(summary.pulledOps)") }
        } catch {
            if error.code == .cancelled { return }
            guard let delay = scheduler.failed(error, at: now, random: &random) else {
                stop(error)
                return
            }
            let metadata = ["error": error.wire?.code.rawValue ?? error.transportCode ?? error.code.rawValue,
                            "retry_in_ms": String(delay.wholeMilliseconds), "failures": String(scheduler.failures)]
            if scheduler.failures == 1 {
                logger.warning("sync failed; backing off", metadata)
            } else {
                logger.info("sync failed again; backing off", metadata)
            }
            notify { try notifier.status("sync failed (\(metadata["error"] ?? "?")); retry in \(delay.components.seconds) s") }
        }
    }

    /// Suspends rounds until the credentials change or a reload, logging the reason once.
    private mutating func stop(_ error: SyncClientError) {
        scheduler.failed(error.retry == .stop || error.retry == .reenroll ? error
                         : SyncClientError(error.code, error.message, retry: .stop), at: now, random: &random)
        logger.error("sync stopped until the device is enrolled again or the configuration is reloaded",
                     ["error": error.wire?.code.rawValue ?? error.code.rawValue, "reason": error.message])
        notify { try notifier.status("sync stopped: " + error.statusLine) }
    }

    private func notify(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            logger.warning("cannot notify systemd", ["error": String(describing: error)])
        }
    }
}
