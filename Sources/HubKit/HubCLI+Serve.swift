import Foundation
import Toolkit

extension HubCLI {
    /// `missionhub serve [--listen HOST:PORT | --unix PATH] [--config FILE]`.
    static func serve(_ context: CommandContext, hooks: ServeHooks) async throws {
        // Catch stop signals from the start, so one sent during start-up is not lost.
        let processSignals = hooks.signals == nil ? UnixSignals(.term, .int, .hup) : nil
        if processSignals != nil { UnixSignals.ignore(.pipe) }
        let settings = try settings(context)
        let gate = LogLevelGate(settings.logLevel)
        let log = gate.logger(writingTo: context.console.error)
        let directory = context.dataDirectory(configured: settings.dataDirectory)
        var configured = HubStore.options(maxDriftSeconds: settings.maxDriftSeconds, maxQuarantinedPerNode: settings.maxQuarantinedPerNode,
                                          wallClock: context.clock)
        // Hidden, for the benchmark's baseline: `1` gives every request a commit of its own
        // (the behaviour before group commit, issue 15).
        if let text = context.environment[HubStore.maxCommitGroupVariable], let size = Int(text), size >= 1 {
            configured.maxGroupSize = size
        }
        let options = configured
        let now = context.clock()
        let (store, lock, note) = try await offload { () throws(HubError) in
            try HubStore.openForServing(dataDirectory: directory, options: options, now: now)
        }
        defer { withExtendedLifetime(lock) {} }  // held until serve returns
        if let note { log.warning("hub store or registry was replaced", ["detail": note]) }
        let environment = context.environment
        if let missing = try await offload({ try SealingKeyFiles.checkCurrent(store: store, dataDirectory: directory, environment: environment) }) {
            log.warning("sealing key missing", ["detail": missing])
        }
        let server = HubServer(settings: settings, store: store, log: log,
                               notifier: SystemdNotifier(environment: context.environment), clock: context.clock)
        // SIGHUP: re-read the file (flags still override it); the log level applies at once.
        let reload: (@Sendable () async throws -> HubSettings)? = context.command.option("config") == nil ? nil : { @Sendable in
            let fresh = try await HubCLI.offload { try HubCLI.settings(context) }
            gate.set(fresh.logLevel)
            return fresh
        }
        if let signals = hooks.signals {
            try await server.run(until: signals, onListening: hooks.onListening, reload: reload)
        } else if let processSignals {
            await processSignals.registered()
            try await server.run(until: processSignals, onListening: hooks.onListening, reload: reload)
        }
    }

    /// Defaults, then `--config FILE`, then the flags.
    static func settings(_ context: CommandContext) throws -> HubSettings {
        var settings = HubSettings()
        if let path = context.command.option("config") { try settings.load(configFile: path) }
        // --listen and --unix: one at most, each checked by its rule (HubCLI.spec).
        let listen = context.command.option("listen"), unix = context.command.option("unix")
        if let listen { settings.address = try HubSettings.parseListen(listen) }
        if let unix { settings.address = .unix(path: unix) }
        return settings
    }
}
