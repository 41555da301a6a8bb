import Foundation
import SyncEngine
import SyncProtocol
import Toolkit

/// Where the hub keeps its store and how it opens it.
public enum HubStore {
    /// The environment variable naming the data directory.
    public static let environmentVariable = "MISSIONHUB_DATA_DIR"
    /// The per-user fallback under `~/.local/share`.
    public static let fallbackSubpath = "fieldsync/hub"
    /// The store file inside the data directory.
    public static let fileName = "hub.sqlite"
    /// The metadata key holding the mission code.
    public static let missionKey = "mission"

    /// The data directory by the shared rules (`--data-dir`, `$MISSIONHUB_DATA_DIR`,
    /// `$STATE_DIRECTORY`, XDG, `~/.local/share/fieldsync/hub`).
    public static func dataDirectory(flag: String?, environment: [String: String]) -> String {
        DataDirectory.resolve(flag: flag, environment: environment, envVar: environmentVariable,
                              fallbackSubpath: fallbackSubpath)
    }

    /// Store options for the hub: `synchronous=FULL`, the hub's local tables, the skew guard,
    /// and the record of withdrawals and amendments of received reports (`ReportEvents`),
    /// written in the transaction of every merge from the field, whatever path merges it.
    public static func options(maxDriftSeconds: Int = 300,
                               wallClock: @escaping @Sendable () -> UInt64 = Store.systemMilliseconds) -> StoreOptions {
        var options = StoreOptions(synchronous: .full, maxDriftMilliseconds: UInt64(maxDriftSeconds) * 1000, wallClock: wallClock,
                                   localMigrations: HubSchema.migrations)
        options.mergeObserver = ReportEvents()
        return options
    }

    /// Creates the data directory (0700) and a new hub store for `mission`, with the hub's
    /// sealing key. Blocking.
    public static func create(dataDirectory: String, mission: String, options: StoreOptions) throws(HubError) -> Store {
        do {
            try DataDirectory.prepare(dataDirectory)
        } catch {
            throw HubError(.storage, error.message, hint: error.hint)
        }
        let path = dataDirectory + "/" + fileName
        do {
            let store = try Store.create(path: path, role: .hub, metadata: [missionKey: mission], options: options)
            _ = try store.local { db in try SealingKeys(db: db).create(now: options.wallClock()) }
            return store
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw HubError(.storage, "could not create the hub store at \(path): \(error)")
        }
    }

    /// Opens the hub store of `dataDirectory`. Blocking.
    public static func open(dataDirectory: String, options: StoreOptions) throws(HubError) -> Store {
        let path = dataDirectory + "/" + fileName
        do {
            return try Store.open(path: path, expectedRole: .hub, options: options)
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw HubError(.storage, "could not open the hub store at \(path): \(error)")
        }
    }
}
