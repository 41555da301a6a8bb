import FieldModel
import JSON
import Foundation
import SQLite
import SyncEngine
import SyncProtocol

extension HubCLI {
    /// The token lifetime without `--expires` (at most 30d: `HubCLI.tokenLifetime`).
    static let defaultTokenLifetime = "24h"

    /// `missionhub init --mission CODE`.
    static func initialize(_ context: CommandContext) throws -> String {
        let mission = context.required("mission")  // checked by the parser (HubCLI.missionCode)
        let directory = context.dataDirectory()
        let store = try HubStore.create(dataDirectory: directory, mission: mission, options: HubStore.options(wallClock: context.clock),
                                        actor: context.actor)
        let key = try store.local { db in try SealingKeys(db: db).current() }
        let keys = SealingKeyFiles.defaultDirectory(dataDirectory: directory)
        return """
            Initialised the mission hub for \(mission) in \(directory)
              hub node id:     \(store.nodeID.hex)
              sealing key id:  \(key.map { Hex.encode($0.keyID) } ?? "-")
              private key:     \(keys)/\(key.map { SealingKeyFiles.fileName(keyID: $0.keyID) } ?? "-") (mode 0600; not in the store nor its backups:
                               keep an offline copy — without it sealed reports cannot be read)
            Next: issue a token for each field laptop with `missionhub node enroll NAME`,
            then start the server with `missionhub serve`.

            """
    }

    /// `missionhub node enroll NAME [--expires 24h]`.
    static func enrollNode(_ context: CommandContext) throws -> String {
        let name = context.command.positional("name") ?? ""
        let lifetimeText = context.command.option("expires") ?? defaultTokenLifetime  // checked by HubCLI.tokenLifetime
        let lifetime = TimeText.lifetimeMilliseconds(lifetimeText) ?? 0
        let settings = try publicSettings(context)
        let store = try context.openStore()
        let issued = try NodeRegistry(store: store, actor: context.actor).issueToken(name: name, lifetimeMilliseconds: lifetime, now: context.clock())
        var command = "fieldnode enroll --hub \(settings.publicURL ?? "https://HUB-ADDRESS") --token \(issued.token)"
        if let ca = settings.publicCAFile { command += " --ca-file \(ca)" }
        if let pin = settings.publicPin { command += " --pin '\(pin)'" }
        let unset = settings.publicURL == nil
            ? "\n(Set public_url in the hub's config file to print the real address here.)\n" : ""
        return """
            Enrollment token for node '\(issued.name)' (shown only now; the hub keeps only its hash):

                \(issued.token)

            It works once and expires at \(TimeText.rfc3339(milliseconds: issued.expiresAt)) (in \(lifetimeText)).
            On the field laptop run:
                \(command)
            \(unset)
            """
    }

    /// The config file `node enroll` reads its public_* settings from: `--config`, else the
    /// service's file when it exists.
    static let defaultConfigPath = "/etc/fieldsync/missionhub.conf"

    static func publicSettings(_ context: CommandContext) throws -> HubSettings {
        var settings = HubSettings()
        if let path = context.command.option("config") {
            try settings.load(configFile: path)
        } else if FileManager.default.isReadableFile(atPath: defaultConfigPath) {
            try settings.load(configFile: defaultConfigPath)
        }
        return settings
    }

    /// `missionhub node tokens [--json] [--cancel ID|NAME]`.
    static func tokens(_ context: CommandContext) throws -> String {
        let store = try context.openStore()
        let registry = NodeRegistry(store: store, actor: context.actor)
        if let target = context.command.option("cancel") {
            let cancelled = try registry.cancelTokens(target, now: context.clock())
            return cancelled.map { "Cancelled token \($0.id) for node '\($0.name)'.\n" }.joined()
        }
        let tokens = try registry.outstandingTokens(now: context.clock())
        try audit(context, store, .tokenList, ["listed": String(tokens.count)])
        if context.command.flag("json") { return JSON.encode(TokenListing.json(tokens), pretty: true) + "\n" }
        return TokenListing.text(tokens)
    }

    /// `missionhub node revoke NAME`.
    static func revokeNode(_ context: CommandContext) throws -> String {
        let name = context.command.positional("name") ?? ""
        let store = try context.openStore()
        let node = try NodeRegistry(store: store, actor: context.actor).revoke(name: name, now: context.clock())
        return """
            Revoked node '\(node.name)' (\(node.nodeID.hex)) at \(TimeText.rfc3339(milliseconds: node.revokedAt ?? 0)).
            Its requests are refused from now on and its outstanding tokens are cancelled; it can never
            enroll again. To replace the laptop, run `fieldnode init` in a fresh data directory on it
            (a new node id) and enroll that with a new token from `missionhub node enroll NAME`.

            """
    }

    /// `missionhub backup --out FILE`: SQLite online backup (a consistent snapshot while the
    /// server writes), then the copy is switched to a self-contained rollback journal file and
    /// checked with `PRAGMA integrity_check`.
    static func backup(_ context: CommandContext) throws -> String {
        let destination = context.required("out")
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw HubError(.destinationExists, "\(destination) already exists; a backup never overwrites a file",
                           hint: "choose a new file name, such as \(suggestedBackupName(now: context.clock()))")
        }
        let store = try context.openStore()
        do {
            try store.backup(to: destination)
        } catch let error as StoreError {
            throw HubError(.storage, "the backup to \(destination) failed: \(error.message)",
                           hint: "check that the directory exists and is writable, and that the disk has room")
        }
        let problems = try checkBackup(destination, epoch: try store.metadata(HubStore.epochKey) ?? "unknown", now: context.clock())
        guard problems.isEmpty else {
            throw HubError(.storage, "the backup \(destination) failed its integrity check: \(problems.prefix(3).joined(separator: "; "))",
                           hint: "remove it and run the backup again")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? nil
        // After the copy succeeded: the backup holds the log up to the entry before this one.
        // The entry waits for a busy store (`AuditLog.record(store:)`); a backup whose entry could
        // still not be written is removed: no backup leaves the hub unrecorded.
        do {
            try audit(context, store, .hubBackup, ["file": destination, "bytes": size.map(String.init) ?? "?"])
        } catch let error as StoreError {
            try? FileManager.default.removeItem(atPath: destination)
            throw HubError(.storage, "the backup to \(destination) was removed: its audit entry could not be written: \(error.message)",
                           hint: "run the backup again")
        }
        return """
            Backed up the hub store to \(destination)\(size.map { " (\($0) bytes)" } ?? ""); integrity check ok.
            It holds the reports, not the device registry (registry.sqlite) nor the private keys (keys/):
            keep those apart (see Deploy/README.md, "Backups"). To restore: stop the hub, then
                missionhub restore --from \(destination)


            """
    }

    /// `hub-YYYYMMDD-HHMMSS.sqlite` in UTC.
    static func suggestedBackupName(now: UInt64) -> String {
        let stamp = TimeText.rfc3339(milliseconds: now).filter { $0 != "-" && $0 != ":" && $0 != "Z" }.replacingOccurrences(of: "T", with: "-")
        return "hub-\(stamp).sqlite"
    }

    /// Opens the copy alone, makes it a single file (journal mode DELETE), marks it as a backup
    /// (`HubStore.backupOfKey`: never served as it is) and checks it.
    static func checkBackup(_ path: String, epoch: String, now: UInt64) throws -> [String] {
        let db = try Database(path: path, options: DatabaseOptions(create: false, journalModeWAL: false, busyTimeoutMilliseconds: 1000))
        _ = try db.query("PRAGMA journal_mode = DELETE") { $0.string(0) }
        try db.inTransaction(.immediate) {
            try Store.writeMetadata([HubStore.backupOfKey: epoch, "backup_at": TimeText.rfc3339(milliseconds: now)], in: db)
        }
        let problems = try db.integrityCheck().filter { $0 != "ok" }
        try db.close()
        return problems
    }
}
