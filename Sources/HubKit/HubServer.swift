import HTTP
import SyncEngine
import Toolkit

/// `missionhub serve`: the HTTP server over the hub store, run until a stop signal.
///
/// Lifecycle (systemd `Type=notify`):
/// 1. Bind the listener (`HTTPServer.init`); a bind failure is a user error (address in use…).
/// 2. `READY=1` with a `STATUS=` line naming the address, only once bound.
/// 3. Serve: one `ServiceGroup` of the quarantine timer, the HTTP server and the watchdog
///    (`services`). `WATCHDOG=1` every half `WATCHDOG_USEC`, but only after the server answered
///    a connection to its own address and the store a read, each within a quarter of
///    `WATCHDOG_USEC` (`Watchdog`): a hung accept loop or store stops the pings and systemd
///    restarts the hub. Nothing outlives `run`.
/// 4. SIGHUP: the caller's `reload` re-reads the config; `log_level` applies at once, other
///    changed settings are named in a warning (they need a restart); then `READY=1` again.
/// 5. On the first SIGTERM or SIGINT: `STOPPING=1`; the watchdog stops, then the server shuts
///    down gracefully — in-flight requests finish, new connections are refused — then the
///    timer; `run` returns normally.
/// 6. A part that ends by itself (the server stopping unasked) or throws stops the others the
///    same way and `run` throws `HubError(.internal)`: `serve` exits 70, not 0, so that
///    systemd's `Restart=on-failure` restarts the hub.
public struct HubServer: Sendable {
    public let settings: HubSettings
    public let store: Store
    public let log: Logger
    public let notifier: SystemdNotifier
    public let clock: @Sendable () -> UInt64

    public init(settings: HubSettings, store: Store, log: Logger, notifier: SystemdNotifier = SystemdNotifier(),
                clock: @escaping @Sendable () -> UInt64 = Store.systemMilliseconds) {
        self.settings = settings
        self.store = store
        self.log = log
        self.notifier = notifier
        self.clock = clock
    }

    /// Serves until `signals` yields SIGTERM or SIGINT (the process's signals in production, any
    /// sequence in tests) or a part fails.
    /// `onListening` gets the bound server (its `port`) before `READY=1` is sent.
    /// SIGHUP calls `reload` (re-read the config and apply what can change live); without one
    /// SIGHUP is logged and ignored.
    public func run<Signals: AsyncSequence & Sendable>(
        until signals: Signals, onListening: @Sendable (HTTPServer) -> Void = { _ in },
        reload: (@Sendable () async throws -> HubSettings)? = nil
    ) async throws(HubError) where Signals.Element == UnixSignal, Signals.Failure == Never {
        let (store, settings, log, clock) = (self.store, self.settings, self.log, self.clock)
        let endpoints: HubEndpoints
        do {
            let released = try await store.async { store in try Self.release(store, now: clock()) }
            if released > 0 { log.notice("released quarantined ops", ["count": String(released)]) }
            endpoints = try await store.async { store in try HubEndpoints(store: store, settings: settings, log: log, clock: clock) }
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError(.storage, "the hub store \(store.path) failed at start: \(error)")
        }
        let responder = HubResponder.site(endpoints)
        let server: HTTPServer
        do {
            var configuration = settings.serverConfiguration
            configuration.generatedErrorResponder = HubResponder.generatedErrorResponder(clock: clock, epoch: endpoints.identity.epoch)
            server = try HTTPServer(configuration: configuration, responder: responder, log: log.with(["component": "http"]))
        } catch {
            throw HubError(.listen, "cannot listen on \(settings.address): \(error.message)",
                           hint: "choose another address with --listen or --unix, or stop what is using it")
        }
        onListening(server)
        let address = server.port.map { port -> String in
            if case .tcp(let host, _) = settings.address { return "\(host):\(port)" }
            return settings.address.description
        } ?? settings.address.description
        log.notice("hub serving", ["address": address, "mission": endpoints.identity.mission,
                                   "hub": endpoints.identity.hubID.hex, "epoch": endpoints.identity.epoch])
        let status = "serving mission \(endpoints.identity.mission) on \(address)"
        notify("ready") { try notifier.ready(status: status) }
        let group = ServiceGroup(services(server), onSignal: { signal in
            guard signal == .hup else { return }
            await reloadConfiguration(reload)
            notify("ready") { try notifier.ready(status: status) }
        }, onStop: { reason in
            if case .signal = reason {
                log.notice("stopping", ["signal": reason.description])
            } else {
                log.error("stopping: a part of the hub ended", ["reason": reason.description])
            }
            notify("stopping") { try notifier.stopping() }
            notify("status") { try notifier.status("stopping: finishing requests in flight") }
        })
        do {
            try await group.run(until: signals)
        } catch {
            log.error("hub stopped after a failure", ["address": address, "error": error.message])
            throw HubError(.internal, "the hub stopped: \(error.message)",
                           hint: "under systemd it is restarted (Restart=on-failure); the log says more (journalctl -u missionhub)")
        }
        let commits = store.groupCommitStatistics
        log.notice("hub stopped", ["address": address, "commits": String(commits.commits), "committed_requests": String(commits.calls),
                                   "largest_group": String(commits.largestGroup)])
    }

    /// What runs while the hub serves, in start order (a group stops them in reverse): the
    /// quarantine timer, the HTTP server, and the watchdog when systemd asked for one, pinging
    /// only while the server answers a connection and the store a read.
    func services(_ server: HTTPServer) -> [any Service] {
        var services: [any Service] = [ServiceLoop("quarantine release") { await releaseQuarantineRegularly() }, server]
        if let interval = notifier.watchdogPingInterval {
            let deadline = interval / 2
            let checks = [LivenessCheck("http") { await server.probe(timeout: deadline) }, store.livenessCheck]
            services.append(Watchdog(interval: interval, deadline: deadline, checks: checks, notifier: notifier, logger: log))
        }
        return services
    }

    private func reloadConfiguration(_ reload: (@Sendable () async throws -> HubSettings)?) async {
        guard let reload else {
            log.notice("SIGHUP ignored: no config file to reload")
            return
        }
        notify("reloading") { try notifier.reloading() }
        do {
            let changed = settings.restartRequired(for: try await reload())
            if changed.isEmpty {
                log.notice("config reloaded")
            } else {
                log.warning("config reloaded; restart the hub to apply these settings", ["settings": changed.joined(separator: ",")])
            }
        } catch let error as HubError {
            log.error("config reload failed; the running settings stay", ["error": error.message])
        } catch {
            log.error("config reload failed; the running settings stay", HubResponder.describe(error))
        }
    }

    /// Every `quarantineCheckInterval`, releases quarantined ops whose time has come (pushes
    /// do it too, but a quiet hub should not hold them until the next push) and stamps the
    /// reports they create.
    private func releaseQuarantineRegularly() async {
        let (store, clock, log) = (self.store, self.clock, self.log)
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: Self.quarantineCheckInterval)
            } catch {
                return  // cancelled: the server stopped
            }
            do {
                let released = try await store.async { store in try Self.release(store, now: clock()) }
                if released > 0 { log.notice("released quarantined ops", ["count": String(released)]) }
            } catch {
                log.error("releasing quarantined ops failed", HubResponder.describe(error))
            }
        }
    }

    /// Releases quarantined ops whose time has come and stamps the reports they create. Blocking.
    static func release(_ store: Store, now: UInt64) throws -> Int {
        let outcome = try store.releaseDueQuarantine()
        if outcome.released > 0 { try ReceiptStamper.stamp(store: store, batch: [], released: outcome.releasedEntities, now: now) }
        return outcome.released
    }

    /// How often a serving hub looks for quarantined ops to release.
    static let quarantineCheckInterval = Duration.seconds(60)

    private func notify(_ what: String, _ send: () throws -> Void) {
        do {
            try send()
        } catch {
            let reason = (error as? SystemdNotifyError)?.message ?? String(describing: type(of: error))
            log.warning("systemd notification failed", ["message": what, "error": reason])
        }
    }
}
