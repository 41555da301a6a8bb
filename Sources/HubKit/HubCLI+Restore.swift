import Foundation
import SQLite
import SyncEngine
import SyncProtocol
import Toolkit

extension HubCLI {
    /// `missionhub restore --from FILE`: puts a backup (`missionhub backup`) back as the hub's
    /// store, as a new epoch (spec §13.7; `HubEpoch`).
    ///
    /// Steps, each checked before the next, so a refusal changes nothing:
    /// 1. The hub is stopped (the data directory's lock is free) and FILE is a sound hub store:
    ///    integrity check, role hub, the same hub as this data directory's store and registry.
    /// 2. FILE is copied (SQLite online backup, synced) to `hub.sqlite.restoring`, which then
    ///    takes a new writer id and a new epoch (`HubEpoch.begin`) — FILE itself is untouched.
    /// 3. The current `hub.sqlite` (and its -wal/-shm) is kept as `hub.sqlite.replaced-<time>`,
    ///    never deleted: it may hold reports the backup lacks. The copy is renamed in its place
    ///    and the directory synced.
    /// 4. The registry (`registry.sqlite`: devices, tokens, counters, revocations) and the keys
    ///    are not touched: no security decision is rolled back. The registry learns the new
    ///    epoch and writer id; every node's reported backlog becomes unknown.
    static func restore(_ context: CommandContext) throws -> String {
        let source = context.required("from")
        let directory = context.dataDirectory()
        guard FileManager.default.fileExists(atPath: source) else {
            throw HubError(.invalidValue, "there is no file \(source)", hint: "give the file `missionhub backup --out` wrote")
        }
        do {
            try DataDirectory.prepare(directory)
        } catch {
            throw HubError(.storage, error.message, hint: error.hint)
        }
        let lock = try HubStore.lock(dataDirectory: directory)
        defer { withExtendedLifetime(lock) {} }
        let identity = try backupIdentity(source)
        let live = directory + "/" + HubStore.fileName
        if let current = try? liveIdentity(live), current != identity {
            throw HubError(.invalidValue, "\(source) is a backup of hub \(identity.hex), but this data directory holds hub \(current.hex)",
                           hint: "restore it into the data directory of its own hub, or choose this hub's backup")
        }
        if let registered = registryIdentity(directory + "/" + RegistrySchema.fileName), registered != identity {
            throw HubError(.invalidValue, "\(source) is a backup of hub \(identity.hex), but this data directory's registry.sqlite belongs to hub \(registered.hex)",
                           hint: "restore it into the data directory of its own hub")
        }
        let staging = live + ".restoring"
        Database.removeFiles(staging)
        let epoch: String
        do {
            let copy = try Database(path: source, options: DatabaseOptions(readOnly: true, create: false, journalModeWAL: false))
            try copy.backup(to: staging)
            try copy.close()
            epoch = try HubEpoch.begin(path: staging, now: context.clock(), restoredFrom: source)
        } catch {
            Database.removeFiles(staging)
            throw HubError(.storage, "could not prepare the restored copy: \(error)", hint: "check the disk space of \(directory)")
        }
        let kept = try setAside(live, now: context.clock())
        guard rename(staging, live) == 0 else {
            throw HubError(.storage, "could not move the restored copy into place: \(String(cString: strerror(errno)))",
                           hint: "\(staging) holds it; rename it to \(live) by hand")
        }
        try? Database.syncDirectory(of: live)  // the renames are durable on the next sync at the latest
        let store = try HubStore.open(dataDirectory: directory, options: HubStore.options(wallClock: context.clock))
        do {
            try HubEpoch(store: store).adopt()
            try HubEpoch(store: store).forgetBacklogs()
            // The backup's chain continues; the entry names the head of the chain it replaced.
            try audit(context, store, .hubRestore, ["from": source, "epoch": epoch, "keptAs": kept ?? "-"])
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError(.storage, "the restored store could not be registered: \(error)")
        }
        let counts = try store.counts()
        return """
            Restored the hub store from \(source) (\(counts.ops) ops) as epoch \(epoch).
            \(kept.map { "The store it replaced is kept as \($0) (delete it only once every report is back).\n" } ?? "")\
            Devices, tokens, revocations and replay counters are as they were (registry.sqlite is never restored).
            Start the hub (`systemctl start missionhub`): each laptop notices the new epoch on its next
            sync, resends every report the backup lacks and pulls again; `missionhub node list` shows
            each laptop's backlog as unknown until it has synced.

            """
    }

    /// The hub identity of a backup file, after checking it is a sound hub store.
    static func backupIdentity(_ path: String) throws -> NodeID {
        do {
            let db = try Database(path: path, options: DatabaseOptions(readOnly: true, create: false, journalModeWAL: false))
            defer { try? db.close() }
            let problems = try db.integrityCheck().filter { $0 != "ok" }
            guard problems.isEmpty else {
                throw HubError(.invalidValue, "\(path) is damaged: \(problems.prefix(3).joined(separator: "; "))", hint: "use another backup")
            }
            let role = try db.queryFirst("SELECT value FROM meta WHERE key = 'role'") { $0.string(0) } ?? nil
            guard role == ReplicaRole.hub.rawValue else {
                throw HubError(.invalidValue, "\(path) is not a hub store", hint: "give a file written by `missionhub backup`")
            }
            return try identity(db, path)
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError(.invalidValue, "\(path) is not a readable hub store: \(error)", hint: "give a file written by `missionhub backup`")
        }
    }

    private static func identity(_ db: Database, _ path: String) throws -> NodeID {
        let id = try db.queryFirst("SELECT value FROM meta WHERE key = 'identity'") { $0.blob(0) } ?? nil
        let node = try db.queryFirst("SELECT value FROM meta WHERE key = 'node_id'") { $0.blob(0) } ?? nil
        guard let bytes = id ?? node, let identity = NodeID(bytes: bytes) else {
            throw HubError(.invalidValue, "\(path) has no hub id", hint: "give a file written by `missionhub backup`")
        }
        return identity
    }

    /// The identity of the store being replaced, if it can still be read.
    private static func liveIdentity(_ path: String) throws -> NodeID? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let db = try Database(path: path, options: DatabaseOptions(readOnly: true, create: false, journalModeWAL: false))
        defer { try? db.close() }
        return try identity(db, path)
    }

    private static func registryIdentity(_ path: String) -> NodeID? {
        guard FileManager.default.fileExists(atPath: path),
              let db = try? Database(path: path, options: DatabaseOptions(readOnly: true, create: false, journalModeWAL: false)) else { return nil }
        defer { try? db.close() }
        let bytes = (try? db.queryFirst("SELECT value FROM registry_meta WHERE key = 'hub_id'") { $0.blob(0) }) ?? nil
        return bytes.flatMap { NodeID(bytes: $0) }
    }

    /// Renames `path` and its -wal/-shm to `<path>.replaced-<UTC time>`; returns the new name.
    private static func setAside(_ path: String, now: UInt64) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let stamp = TimeText.rfc3339(milliseconds: now).filter { $0.isNumber }
        let target = path + ".replaced-" + stamp
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            guard rename(path + suffix, target + suffix) == 0 else {
                throw HubError(.storage, "could not keep \(path + suffix) aside: \(String(cString: strerror(errno)))",
                               hint: "nothing was replaced; free the file and run restore again")
            }
        }
        return target
    }
}
