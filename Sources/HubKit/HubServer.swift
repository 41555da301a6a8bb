import HTTP
import SyncEngine
import Toolkit

/// `missionhub serve`: the HTTP server over the hub store, run until a stop signal.
///
/// Lifecycle (systemd `Type=notify`):
/// 1. Bind the listener (`HTTPServer.init`); a bind failure is a user error (address in use…).
/// 2. `READY=1` with a `STATUS=` line naming the address, only once bound.
/// 3. Serve. Watchdog pings (`WATCHDOG=1`) every half `WATCHDOG_USEC` come from a child task
///    of this function's task group; so does the signal watcher. Nothing outlives `run`.
/// 4. SIGHUP: the caller's `reload` re-reads the config; `log_level` applies at once, other
///    changed settings are named in a warning (they need a restart); then `READY=1` again.
/// 5. On the first SIGTERM or SIGINT: `STOPPING=1`, then `HTTPServer.shutdown()` — in-flight
///    requests finish, new connections are refused — and `run` returns once the server has
///    drained; the remaining children are cancelled.
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

    /// Serves until `signals` yields (SIGTERM/SIGINT in production; any sequence in tests).
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
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watch(signals, server: server, status: status, reload: reload) }
            if let interval = notifier.watchdogPingInterval {
                group.addTask { await pingWatchdog(every: interval) }
            }
            group.addTask { await releaseQuarantineRegularly() }
            do {
                try await server.run()
            } catch {
                log.error("server stopped with an error", ["error": String(describing: type(of: error))])
            }
            group.cancelAll()
        }
        log.notice("hub stopped", ["address": address])
    }

    /// SIGTERM/SIGINT: graceful stop. SIGHUP: reload, then READY=1 again.
    private func watch<Signals: AsyncSequence>(_ signals: Signals, server: HTTPServer, status: String,
                                               reload: (@Sendable () async throws -> HubSettings)?) async
        where Signals.Element == UnixSignal, Signals.Failure == Never {
        for await signal in signals {
            if signal == .hup {
                await reloadConfiguration(reload)
                notify("ready") { try notifier.ready(status: status) }
                continue
            }
            log.notice("stopping", ["signal": signal.description])
            notify("stopping") { try notifier.stopping() }
            notify("status") { try notifier.status("stopping: finishing requests in flight") }
            server.shutdown()
            return
        }
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

    private func pingWatchdog(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return  // cancelled: the server stopped
            }
            notify("watchdog") { try notifier.watchdog() }
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
