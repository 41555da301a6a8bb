import Collections
import SQLite
import SyncEngine
import Toolkit
#if canImport(Glibc)
import Glibc
#endif

/// An opened field node: its store and the settings written by `init`.
final class FieldNode {
    /// Metadata keys (`Store.metadata`).
    enum Key {
        static let mission = "mission"
        static let nodeName = "node_name"
        static let hubURL = "hub_url"
    }

    /// The peer name of the hub in the store's `peers` table.
    static let hubPeer = "hub"
    /// The collection that holds reports.
    static let reports = ReportCollection.name

    let home: NodeHome
    let store: Store
    let mission: String
    let nodeName: String
    /// The hub's sealing key and the linkage key; nil on a node initialised without one, which
    /// then records no report.
    let missionFile: MissionFile?

    private init(home: NodeHome, store: Store, mission: String, nodeName: String, missionFile: MissionFile?) {
        self.home = home
        self.store = store
        self.mission = mission
        self.nodeName = nodeName
        self.missionFile = missionFile
    }

    /// The mission file, or the error saying how to install one.
    func requireMissionFile() throws -> MissionFile {
        guard let missionFile else { throw NodeMissionFile.missing(home) }
        return missionFile
    }

    /// The store options of every node: `synchronous=FULL` (laptops lose power) plus test hooks.
    static func storeOptions(_ hooks: TestHooks) -> StoreOptions {
        var options = StoreOptions(synchronous: .full)
        if let busy = hooks.busyTimeoutMilliseconds { options.busyTimeoutMilliseconds = busy }
        if let offset = hooks.clockOffsetMilliseconds {
            options.wallClock = { UInt64(max(0, Int64(clamping: Store.systemMilliseconds()) &+ offset)) }
        }
        return options
    }

    /// Opens the node in `home`; fails with what to run when there is none.
    static func open(_ home: NodeHome, hooks: TestHooks) throws -> FieldNode {
        guard home.hasStore else { throw home.noNodeHere }
        try home.checkWritable()
        let store = try Store.open(path: home.storePath, expectedRole: .node, options: storeOptions(hooks))
        try apply(hooks, to: store)
        // The laptop's clock may have been set since the last sync: keep the hub offset true,
        // so the next report is stamped by the right time (Store+ClockOffset.swift).
        try store.correctClockOffset()
        guard let mission = try store.metadata(Key.mission) else {
            throw NodeError.user("the store \(home.storePath) has no mission; it was not made by 'fieldnode init'",
                                 hint: "choose the right data directory with --data-dir")
        }
        let missionFile = try NodeMissionFile.load(home)
        if let missionFile, missionFile.mission != mission {
            throw NodeError.user("the mission file \(home.missionFilePath) is for mission \(missionFile.mission) but this node records reports for \(mission)",
                                 hint: "install the mission file of \(mission) with `fieldnode init --mission-file FILE`")
        }
        return FieldNode(home: home, store: store, mission: mission,
                         nodeName: try store.metadata(Key.nodeName) ?? "", missionFile: missionFile)
    }

    /// Creates a new node store in `home` (the directory must exist already).
    static func create(_ home: NodeHome, mission: String, nodeName: String, missionFile: MissionFile?,
                       hooks: TestHooks) throws -> FieldNode {
        let store = try Store.create(path: home.storePath, role: .node,
                                     metadata: [Key.mission: mission, Key.nodeName: nodeName],
                                     options: storeOptions(hooks))
        // Only this user reads the store (the write-ahead log files inherit its mode).
        guard chmod(home.storePath, 0o600) == 0 else {
            throw NodeError.user("cannot restrict \(home.storePath) to mode 0600: \(String(cString: strerror(errno)))",
                                 hint: "check the data directory's file system, or choose another with --data-dir")
        }
        return FieldNode(home: home, store: store, mission: mission, nodeName: nodeName, missionFile: missionFile)
    }

    private static func apply(_ hooks: TestHooks, to store: Store) throws {
        guard let pages = hooks.maxPageCount else { return }
        // The connection is only reachable through `local`; this changes no data, only how far
        // this connection may grow the file.
        try store.local { db in try db.execute("PRAGMA max_page_count = \(pages)") }
    }
}
