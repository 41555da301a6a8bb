import Foundation
import Toolkit

extension HubCLI {
    /// `missionhub serve [--listen HOST:PORT | --unix PATH] [--config FILE]`.
    static func serve(_ context: CommandContext, hooks: ServeHooks) async throws {
        // Catch stop signals from the start, so one sent during start-up is not lost.
        let processSignals = hooks.signals == nil ? UnixSignals(.term, .int) : nil
        if processSignals != nil { UnixSignals.ignore(.pipe) }
        let settings = try settings(context)
        let log = Logger(minimumLevel: settings.logLevel, sink: LogSink { line in context.console.error(line) })
        let directory = context.dataDirectory(configured: settings.dataDirectory)
        let options = HubStore.options(maxDriftSeconds: settings.maxDriftSeconds, wallClock: context.clock)
        let store = try await offload { () throws(HubError) in try HubStore.open(dataDirectory: directory, options: options) }
        let server = HubServer(settings: settings, store: store, log: log,
                               notifier: SystemdNotifier(environment: context.environment), clock: context.clock)
        if let signals = hooks.signals {
            try await server.run(until: signals, onListening: hooks.onListening)
        } else if let processSignals {
            await processSignals.registered()
            try await server.run(until: processSignals, onListening: hooks.onListening)
        }
    }

    /// Defaults, then `--config FILE`, then the flags.
    static func settings(_ context: CommandContext) throws -> HubSettings {
        var settings = HubSettings()
        if let path = context.command.option("config") {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw HubError(.config, "cannot read the config file \(path)", hint: "check the path and its permissions")
            }
            try settings.apply(try ConfigFile.parse(text, path: path, knownKeys: HubSettings.configKeys))
        }
        let listen = context.command.option("listen"), unix = context.command.option("unix")
        if listen != nil, unix != nil {
            throw UsageFailure(message: "give either --listen or --unix, not both")
        }
        if let listen { settings.address = try HubSettings.parseListen(listen) }
        if let unix {
            guard unix.hasPrefix("/") else {
                throw HubError(.invalidValue, "'\(unix)' is not an absolute path", hint: "give the socket's full path, such as /run/missionhub/hub.sock")
            }
            settings.address = .unix(path: unix)
        }
        return settings
    }
}
