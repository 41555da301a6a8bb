import Foundation
import JSON
import SyncClient
import SyncEngine
import SyncProtocol
import Toolkit

/// `fieldnode enroll`, `fieldnode sync` and `fieldnode daemon`: the node's side of the wire,
/// implemented in SyncClient and wired here.
enum SyncCommands {
    /// The settings `fieldnode daemon --config FILE` accepts (Deploy/fieldnode.conf.example).
    static let configKeys: Set<String> = ["hub_url", "interval", "max_batch_bytes", "ca_file", "pinned_public_key",
                                          "data_dir", "log_level", "max_drift"]

    // MARK: enroll

    static func enroll(_ context: NodeContext) throws {
        let node = try context.openNode()
        // Both are required options: the parser refused a line without them.
        let hub = context.command.option("hub") ?? "", token = context.command.option("token") ?? ""
        let tls = TLSSettings(caFile: context.command.option("ca-file"), pinnedPublicKey: context.command.option("pin"))
        let label = context.command.option("label") ?? (node.nodeName.isEmpty ? nil : node.nodeName)
        let store = node.store, dataDir = node.home.directory
        // The mission file is the trust anchor for the hub's sealing key: enrollment checks it.
        let missionFile = try node.requireMissionFile()
        let expected = Credentials.SealingKey(keyID: Hex.encode(missionFile.keyID), publicKey: missionFile.publicKey)
        let credentials = try AsyncBridge.wait {
            try await Enrollment.enroll(hubURL: hub, token: token, store: store, dataDir: dataDir, tls: tls, label: label,
                                        expectedSealingKey: expected)
        }
        context.say("enrolled with the hub at \(credentials.hubURL.base) for mission \(credentials.mission)")
        context.say("node id:  \(credentials.nodeID.hex)")
        context.say("next: sync now with 'fieldnode sync', or keep syncing with 'fieldnode daemon' (systemd: fieldnode.service)")
    }

    // MARK: sync

    static func sync(_ context: NodeContext) throws {
        let node = try context.openNode()
        let dataDir = node.home.directory, store = node.store
        let credentials: Credentials
        do {
            credentials = try Credentials.load(dataDir: dataDir)
        } catch {
            throw NodeError.user(error.message, hint: "enroll this laptop first: fieldnode enroll --hub URL --token TOKEN")
        }
        let summary = try AsyncBridge.wait {
            try await SyncRunner(store: store, credentials: credentials).syncOnce()
        }
        if context.command.flag("json") {
            context.sayJSON(.object(JSONObject([
                "pushedOps": .int(Int64(summary.pushedOps)), "pulledOps": .int(Int64(summary.pulledOps)),
                "mergedOps": .int(Int64(summary.mergedOps)), "quarantinedAtHub": .int(Int64(summary.quarantinedAtHub)),
                "reportsHeldAtHub": .int(Int64(summary.reportsHeldAtHub)),
                "hubRestored": .bool(summary.newEpoch != nil), "resentFrom": summary.rewoundTo.map { .int(Int64(clamping: $0)) } ?? .null,
                "clockOffsetMilliseconds": summary.clockOffsetMilliseconds.map { .int($0) } ?? .null,
            ])))
            return
        }
        context.say("pushed \(summary.pushedOps) ops, pulled \(summary.pulledOps) ops (hub at \(credentials.hubURL.base))")
        if summary.quarantinedAtHub > 0 {
            context.note("warning: the hub holds \(summary.reportsHeldAtHub) of this laptop's reports (\(summary.quarantinedAtHub) changes) in quarantine: they were stamped while this laptop's clock was ahead. They are kept; the hub admin can release them (missionhub quarantine release). Check this laptop's clock (timedatectl).")
        }
        if summary.newEpoch != nil {
            context.note("note: the hub was restored from a backup; this laptop asked it what it still holds, resent the rest and pulled again")
        }
        if let back = summary.rewoundTo {
            context.note("warning: the hub had lost this node's changes after #\(back); they were sent again")
        }
    }

    // MARK: daemon

    /// `fieldnode daemon`: exit 0 after SIGTERM/SIGINT, 1 when another daemon holds the data
    /// directory (`daemon.lock`) or the configuration is wrong, 70 when a part of the daemon
    /// failed (`ServiceGroupError`), so that only real failures are restarted by systemd.

    static func daemon(_ context: NodeContext) throws {
        var config: ConfigFile?
        if let path = context.command.option("config") {
            do {
                config = try ConfigFile.load(path: path, allowedKeys: configKeys)
            } catch {
                throw NodeError.user(error.message, hint: "see /usr/local/share/fieldsync/fieldnode.conf.example for every setting")
            }
        }
        let home: NodeHome
        if context.command.option("data-dir") == nil, let dir = config?.string("data_dir") {
            home = NodeHome(directory: dir)
        } else {
            home = context.home
        }
        guard home.hasStore else { throw home.noNodeHere }
        var options = FieldNode.storeOptions(TestHooks(environment: context.environment))
        if let drift = try durationSetting(config, "max_drift") {
            options.maxDriftMilliseconds = UInt64(drift.components.seconds * 1000)
        }
        let configuration = try daemonConfiguration(config, intervalFlag: context.command.option("interval"))
        let level = try logLevel(config)
        // After validation, before any state is opened: one daemon per data directory.
        let lock = try Daemon.lock(dataDir: home.directory)
        let store = try Store.open(path: home.storePath, expectedRole: .node, options: options)
        let dataDir = home.directory
        let configPath = context.command.option("config")
        let intervalFlag = context.command.option("interval")
        do {
            try AsyncBridge.wait {
                let daemon = Daemon(store: store, dataDir: dataDir, configuration: configuration,
                                    logger: Logger(minimumLevel: level), reload: {
                    let fresh = try configPath.map { try ConfigFile.load(path: $0, allowedKeys: configKeys) }
                    return try daemonConfiguration(fresh, intervalFlag: intervalFlag)
                }, lock: lock)
                try await daemon.run()
            }
        } catch let error as ServiceGroupError {
            // Exit 70, not 0 nor 1: systemd's Restart=on-failure starts the daemon again.
            throw NodeError(.internal, "the daemon stopped: \(error.message)",
                            hint: "under systemd it is restarted; the log says more (journalctl -u fieldnode)")
        }
    }

    static func daemonConfiguration(_ config: ConfigFile?, intervalFlag: String?) throws -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        if let interval = try intervalFlag.map(parseDuration) ?? durationSetting(config, "interval") {
            guard interval >= .seconds(1), interval <= .seconds(86_400) else {
                throw NodeError.user("the sync interval must be between 1s and 1d")
            }
            configuration.interval = interval
        }
        configuration.hubURL = config?.string("hub_url")
        configuration.caFile = config?.string("ca_file")
        configuration.pinnedPublicKey = config?.string("pinned_public_key")
        if let bytes = try config?.int("max_batch_bytes", range: 4096...16_777_216) {
            configuration.sync.limits.maxBatchBytes = bytes
        }
        return configuration
    }

    static func durationSetting(_ config: ConfigFile?, _ key: String) throws -> Duration? {
        do {
            return try config?.duration(key)
        } catch {
            throw NodeError.user(error.message)
        }
    }

    static func parseDuration(_ text: String) throws -> Duration {
        do {
            guard let value = try ConfigFile.parse("interval = \(text)", path: "--interval", allowedKeys: ["interval"])
                .duration("interval") else { throw NodeError.usage("--interval needs a duration such as 60s or 5m") }
            return value
        } catch let error as ConfigError {
            throw NodeError.usage("--interval: \(error.message)")
        }
    }

    static func logLevel(_ config: ConfigFile?) throws -> Logger.Level {
        guard let name = config?.string("log_level") else { return .info }
        guard let level = Logger.Level(name: name) else {
            throw NodeError.user("log_level '\(name)' is not one of error, warning, notice, info, debug")
        }
        return level
    }
}
