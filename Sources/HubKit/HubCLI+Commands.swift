import FieldModel
import Foundation
import SQLite
import SyncEngine
import SyncProtocol

extension HubCLI {
    /// Default and largest token lifetimes.
    static let defaultTokenLifetime = "24h"
    static let maxTokenLifetimeMilliseconds: UInt64 = 30 * 86_400_000

    /// `missionhub init --mission CODE`.
    static func initialize(_ context: CommandContext) throws -> String {
        let mission = try context.required("mission", "code")
        guard Intake.isMissionCode(mission) else {
            throw HubError(.invalidValue, "'\(mission)' is not a mission code",
                           hint: "use 2–16 capital letters and digits, starting with a letter, such as MINUSCA")
        }
        let directory = context.dataDirectory()
        let store = try HubStore.create(dataDirectory: directory, mission: mission, options: HubStore.options(wallClock: context.clock))
        let key = try store.local { db in try SealingKeys(db: db).current() }
        return """
            Initialised the mission hub for \(mission) in \(directory)
              hub node id:     \(store.nodeID.hex)
              sealing key id:  \(key.map { Hex.encode($0.keyID) } ?? "-")
            Next: issue a token for each field laptop with `missionhub node enroll NAME`,
            then start the server with `missionhub serve`.

            """
    }

    /// `missionhub node enroll NAME [--expires 24h]`.
    static func enrollNode(_ context: CommandContext) throws -> String {
        let name = context.command.positional("name") ?? ""
        let lifetimeText = context.command.option("expires") ?? defaultTokenLifetime
        guard let lifetime = TimeText.lifetimeMilliseconds(lifetimeText), lifetime >= 60_000,
              lifetime <= maxTokenLifetimeMilliseconds else {
            throw HubError(.invalidValue, "'\(lifetimeText)' is not a token lifetime",
                           hint: "write a number and a unit s, m, h or d, from 1m to 30d, such as 24h")
        }
        let store = try context.openStore()
        let issued = try NodeRegistry(store: store).issueToken(name: name, lifetimeMilliseconds: lifetime, now: context.clock())
        return """
            Enrollment token for node '\(issued.name)' (shown only now; the hub keeps only its hash):

                \(issued.token)

            It works once and expires at \(TimeText.rfc3339(milliseconds: issued.expiresAt)) (in \(lifetimeText)).
            On the field laptop run:
                fieldnode enroll --hub https://HUB-ADDRESS --token \(issued.token)

            """
    }

    /// `missionhub node revoke NAME`.
    static func revokeNode(_ context: CommandContext) throws -> String {
        let name = context.command.positional("name") ?? ""
        let store = try context.openStore()
        let node = try NodeRegistry(store: store).revoke(name: name, now: context.clock())
        return """
            Revoked node '\(node.name)' (\(node.nodeID.hex)) at \(TimeText.rfc3339(milliseconds: node.revokedAt ?? 0)).
            Its requests are refused from now on; to let the laptop sync again, issue a new token
            with `missionhub node enroll \(node.name)` and enroll it again.

            """
    }

    /// `missionhub backup --out FILE`: SQLite online backup (a consistent snapshot while the
    /// server writes), then the copy is switched to a self-contained rollback journal file and
    /// checked with `PRAGMA integrity_check`.
    static func backup(_ context: CommandContext) throws -> String {
        let destination = try context.required("out", "file")
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
        let problems = try checkBackup(destination)
        guard problems.isEmpty else {
            throw HubError(.storage, "the backup \(destination) failed its integrity check: \(problems.prefix(3).joined(separator: "; "))",
                           hint: "remove it and run the backup again")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? nil
        return """
            Backed up the hub store to \(destination)\(size.map { " (\($0) bytes)" } ?? ""); integrity check ok.
            To restore: stop the hub, copy the file to hub.sqlite in an empty data directory, start the hub.

            """
    }

    /// `hub-YYYYMMDD-HHMMSS.sqlite` in UTC.
    static func suggestedBackupName(now: UInt64) -> String {
        let stamp = TimeText.rfc3339(milliseconds: now).filter { $0 != "-" && $0 != ":" && $0 != "Z" }.replacingOccurrences(of: "T", with: "-")
        return "hub-\(stamp).sqlite"
    }

    /// Opens the copy alone, makes it a single file (journal mode DELETE) and checks it.
    static func checkBackup(_ path: String) throws -> [String] {
        let db = try Database(path: path, options: DatabaseOptions(create: false, journalModeWAL: false, busyTimeoutMilliseconds: 1000))
        _ = try db.query("PRAGMA journal_mode = DELETE") { $0.string(0) }
        let problems = try db.integrityCheck().filter { $0 != "ok" }
        try db.close()
        return problems
    }
}
