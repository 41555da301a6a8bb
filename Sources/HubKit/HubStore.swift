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
    /// The metadata key holding the store's epoch (spec §13.7): 32 hex digits, new at `init`
    /// and at every restore.
    public static let epochKey = "epoch"
    /// Set (to the epoch it was taken from) in a file written by `missionhub backup`: such a
    /// file is never served as it is; `missionhub restore` makes it a store again.
    public static let backupOfKey = "backup_of"
    /// The environment variable that bounds `serve`'s commit groups (`StoreOptions.maxGroupSize`);
    /// not a setting: the benchmark sets it to 1 for its baseline.
    public static let maxCommitGroupVariable = "MISSIONHUB_MAX_COMMIT_GROUP"

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
                               maxQuarantinedPerNode: Int = StoreOptions.defaultMaxQuarantinedPerOrigin,
                               wallClock: @escaping @Sendable () -> UInt64 = Store.systemMilliseconds) -> StoreOptions {
        var options = StoreOptions(synchronous: .full, maxDriftMilliseconds: UInt64(maxDriftSeconds) * 1000, wallClock: wallClock,
                                   maxQuarantinedPerOrigin: maxQuarantinedPerNode)
        // The hub's merge observers, one line each: each derived table is one file (its migration
        // in `HubSchema` and its `MergeObserver`) plus its line here.
        options.mergeObserver = MergeObservers([
            ReportEvents(),
            ReportIndex(),
        ])
        return options
    }

    /// `options` with what depends on the data directory: the registry attached (`RegistrySchema`)
    /// and the hub's migrations (which move old private keys to `keys/`).
    static func options(_ options: StoreOptions, dataDirectory: String) -> StoreOptions {
        var options = options
        options.attachments = [RegistrySchema.attachment(dataDirectory: dataDirectory)]
        options.localMigrations = HubSchema.migrations(keysDirectory: SealingKeyFiles.defaultDirectory(dataDirectory: dataDirectory))
        return options
    }

    /// A new epoch: 16 random bytes as 32 hex digits.
    static func newEpoch() -> String { NodeID.random().hex }

    /// Creates the data directory (0700) and a new hub store for `mission`, with the hub's
    /// sealing key and the mission's linkage key. Blocking.
    /// `actor` is who the audit log names for the hub's first entries (`hub.init`, `key.created`).
    public static func create(dataDirectory: String, mission: String, options: StoreOptions,
                              actor: AuditActor = .hub) throws(HubError) -> Store {
        do {
            try DataDirectory.prepare(dataDirectory)
        } catch {
            throw HubError(.storage, error.message, hint: error.hint)
        }
        let path = dataDirectory + "/" + fileName
        do {
            let options = Self.options(options, dataDirectory: dataDirectory)
            let store = try Store.create(path: path, role: .hub, metadata: [missionKey: mission, epochKey: newEpoch()], options: options)
            let files = SealingKeyFiles(directory: SealingKeyFiles.defaultDirectory(dataDirectory: dataDirectory))
            let now = options.wallClock()
            try store.local { db in
                try db.inTransaction(.immediate) {
                    let key = try SealingKeys(db: db).create(now: now, files: files)
                    try AuditLog.record(in: db, actor: actor, action: .hubInit, target: ["mission": mission, "hub": store.nodeID.hex], at: now)
                    try AuditLog.record(in: db, actor: actor, action: .keyCreated, target: ["key": Hex.encode(key.keyID)], at: now)
                }
            }
            _ = try HubLinkageKey.loadOrCreate(files)
            try HubEpoch(store: store).adopt()
            return store
        } catch let error as HubError {
            throw error
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
            let store = try Store.open(path: path, expectedRole: .hub, options: Self.options(options, dataDirectory: dataDirectory))
            if let epoch = try store.metadata(backupOfKey) {
                throw HubError(.storage, "\(path) is a backup (taken at epoch \(epoch)), not a live store",
                               hint: "restore it with `missionhub restore --from FILE`, which makes the hub start a new epoch so that laptops resend what it lost")
            }
            return store
        } catch let error as HubError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw HubError(.storage, "could not open the hub store at \(path): \(error)")
        }
    }
}

extension HubStore {
    /// The lock file `serve` holds while it runs (`restore` refuses to run beside it).
    public static let lockFileName = "hub.lock"

    /// Takes the data directory's lock, or explains who holds it.
    static func lock(dataDirectory: String) throws(HubError) -> FileLock {
        let path = dataDirectory + "/" + lockFileName
        let lock: FileLock?
        do {
            lock = try FileLock.tryAcquire(path)
        } catch {
            throw HubError(.storage, "cannot lock \(path): \(error)", hint: "check that the data directory exists and is writable")
        }
        guard let lock else {
            throw HubError(.hubRunning, "a missionhub serve is running on \(dataDirectory)",
                           hint: "stop it first (`systemctl stop missionhub`), then run this again")
        }
        return lock
    }

    /// Opens the store for `serve`, under the data directory's lock. A store that was replaced
    /// or rolled back by hand (`HubEpoch` rule 2) starts a new epoch here, so laptops resend and
    /// re-pull by themselves; `note` then says what was found. Blocking.
    static func openForServing(dataDirectory: String, options: StoreOptions, now: UInt64)
        throws(HubError) -> (store: Store, lock: FileLock, note: String?) {
        let lock = try lock(dataDirectory: dataDirectory)
        var store = try open(dataDirectory: dataDirectory, options: options)
        do {
            guard case .rolledBack(let reason) = try HubEpoch(store: store).verdict() else {
                let lost = try HubEpoch(store: store).registryLost()
                try HubEpoch(store: store).adopt()
                return (store, lock, lost ? "registry.sqlite is new but the store holds laptops' reports: the device registry was lost; put back its copy (Deploy/README.md, \"Backups\") before laptops sync, or enroll every laptop again" : nil)
            }
            let epoch = try HubEpoch.begin(path: store.path, now: now, restoredFrom: nil)
            store = try open(dataDirectory: dataDirectory, options: options)
            try HubEpoch(store: store).adopt()
            try HubEpoch(store: store).forgetBacklogs()
            // The chain of the file found continues; the entry names the head it replaced.
            try AuditLog.record(store: store, actor: .hub, action: .hubRolledBack, target: ["epoch": epoch, "reason": reason], at: now)
            return (store, lock, "\(reason); started epoch \(epoch) so that laptops resend what it lost")
        } catch let error as HubError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw HubError(.storage, "could not check the epoch of \(store.path): \(error)")
        }
    }
}
