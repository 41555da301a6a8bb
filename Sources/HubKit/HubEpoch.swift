import Foundation
import SQLite
import SyncEngine
import SyncProtocol

/// The hub's epochs (spec §13.7): a hub restored from a backup starts a new epoch, named in
/// every response (`FS-Hub-Epoch`), so that each laptop notices, asks what the hub still
/// holds of its ops, resends what it lost and pulls everything again; and it writes under a
/// new writer id, so it never reissues an op id (`Store.prepareRestoredCopy`).
///
/// Rules:
/// 1. `hub.sqlite` keeps its epoch in metadata (`HubStore.epochKey`); the registry (which no
///    restore touches) keeps the epoch it last saw, the hub's identity, every writer id the
///    store has used, and marks of how far the store had come (`RegistrySchema` invariant 3).
///    The marks are refreshed on every authenticated request (`NodeRegistry.accept`, in the request's grouped transaction).
/// 2. At start (`missionhub serve`), a store whose epoch differs from the registry's, or that
///    is behind the marks, was replaced or rolled back by hand (a file copied back, a disk
///    snapshot): the hub starts a new epoch by itself rather than serve stale cursors. So the
///    restore procedure cannot be done wrong; `missionhub restore` is the documented way.
/// 3. A registry whose `hub_id` is another hub's is refused: the two files belong together.
struct HubEpoch {
    let store: Store

    enum Verdict: Equatable {
        case current
        /// The store was replaced or rolled back; the text says how it was noticed.
        case rolledBack(String)
    }

    /// Records in the registry the store's identity, epoch, writer ids and marks (at `init`,
    /// after a restore, and when the registry is new). Refuses another hub's registry.
    func adopt() throws {
        let identity = try store.identity()
        let epoch = try store.metadata(HubStore.epochKey) ?? ""
        let writers = try store.ownNodeIDs()
        let writer = store.nodeID
        try store.local { db in
            try db.inTransaction(.immediate) {
                if let known = try Self.meta(db, "hub_id").flatMap({ $0.blob }), known != identity.bytes {
                    throw HubError(.storage, "registry.sqlite belongs to hub \(Hex.encode(known)), hub.sqlite to hub \(identity.hex)",
                                   hint: "put back this hub's own registry.sqlite, or restore a backup of this hub")
                }
                var all = Set(try Self.writers(db))
                all.formUnion(writers)
                try Self.put(db, "hub_id", .blob(identity.bytes))
                try Self.put(db, "epoch", .text(epoch))
                try Self.put(db, "writers", .blob(all.sorted().flatMap(\.bytes)))
                try db.execute(Self.marks(keepingHigher: false), [.blob(writer.bytes)])
            }
        }
    }

    /// True when the registry has never seen this hub (a new registry.sqlite) although the store
    /// holds laptops' ops: the registry was lost, and every laptop must be enrolled again.
    func registryLost() throws -> Bool {
        let own = try store.ownNodeIDs()
        return try store.local { db in
            guard try Self.meta(db, "hub_id") == nil else { return false }
            let origins = try db.query("SELECT origin FROM main.origins") { $0.blob(0).flatMap(NodeID.init(bytes:)) }.compactMap { $0 }
            return origins.contains { !own.contains($0) }
        }
    }

    /// Rule 2: whether the store is the one the registry last saw, or behind it.
    func verdict() throws -> Verdict {
        let epoch = try store.metadata(HubStore.epochKey)
        let writer = store.nodeID
        return try store.local { db -> Verdict in
            guard let seen = try Self.meta(db, "epoch")?.string else { return .current }  // a new registry: adopt
            guard seen == epoch else {
                return .rolledBack("hub.sqlite has epoch \(epoch ?? "none") but the hub last served epoch \(seen): the file was replaced")
            }
            let next = try db.scalar("SELECT value FROM main.meta WHERE key = 'next_local_seq'", as: Int64.self) ?? 1
            let own = try db.scalar("SELECT max_seq FROM main.origins WHERE origin = ?", [.blob(writer.bytes)], as: Int64.self) ?? 0
            let nextMark = try Self.meta(db, "local_seq_mark").flatMap { $0.int64 } ?? 0
            let ownMark = try Self.meta(db, "writer_seq_mark").flatMap { $0.int64 } ?? 0
            if next < nextMark || own < ownMark {
                return .rolledBack("hub.sqlite is behind what the hub had served (hub sequence \(next) < \(nextMark), own ops \(own) < \(ownMark)): it was rolled back")
            }
            return .current
        }
    }

    /// Makes the store file at `path` (closed, or at least idle) start a new epoch: a new writer
    /// id and a new epoch, the backup mark cleared, the restore recorded. Returns the epoch.
    /// Call `adopt()` (and `forgetBacklogs`) on the store opened afterwards.
    @discardableResult
    static func begin(path: String, now: UInt64, restoredFrom source: String?) throws -> String {
        let epoch = HubStore.newEpoch()
        var metadata: [String: String?] = [HubStore.epochKey: epoch, HubStore.backupOfKey: nil,
                                           "restored_at": TimeText.rfc3339(milliseconds: now)]
        if let source { metadata["restored_from"] = source }
        try Store.prepareRestoredCopy(path: path, metadata: metadata)
        return epoch
    }

    /// After a new epoch every node's reported backlog is unknown until it reports again (it
    /// counted against the acknowledgements of the old epoch).
    func forgetBacklogs() throws {
        try store.local { db in try db.execute("UPDATE registry.hub_nodes SET last_backlog = NULL") }
    }

    /// Sets the marks of rule 1 from the store; `?1` is the store's writer id. Runs inside the
    /// caller's transaction on the store's connection (the registry is attached to it). On
    /// every request the marks only rise; `adopt` (a new epoch) sets them as they are.
    static func marks(keepingHigher: Bool) -> String {
        """
        INSERT INTO registry.registry_meta(key, value) VALUES
            ('local_seq_mark', (SELECT coalesce(max(value), 1) FROM main.meta WHERE key = 'next_local_seq')),
            ('writer_seq_mark', (SELECT coalesce(max(max_seq), 0) FROM main.origins WHERE origin = ?1))
        ON CONFLICT(key) DO UPDATE SET value = \(keepingHigher ? "max(value, excluded.value)" : "excluded.value")
        """
    }
    static let refreshMarks = marks(keepingHigher: true)

    /// Every writer id the registry has recorded.
    static func writers(_ db: Database) throws -> [NodeID] {
        guard let blob = try meta(db, "writers")?.blob else { return [] }
        return stride(from: 0, to: blob.count - 15, by: 16).compactMap { NodeID(bytes: Array(blob[$0..<$0 + 16])) }
    }

    private static func meta(_ db: Database, _ key: String) throws -> DatabaseValue? {
        try db.queryFirst("SELECT value FROM registry.registry_meta WHERE key = ?", [.text(key)]) { $0[0] }
    }

    private static func put(_ db: Database, _ key: String, _ value: DatabaseValue) throws {
        try db.execute("INSERT INTO registry.registry_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       [.text(key), value])
    }
}

private extension DatabaseValue {
    var blob: [UInt8]? { if case .blob(let bytes) = self { bytes } else { nil } }
    var string: String? { if case .text(let text) = self { text } else { nil } }
    var int64: Int64? { if case .integer(let value) = self { value } else { nil } }
}
