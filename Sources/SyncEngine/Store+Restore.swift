import SQLite
import SyncProtocol

extension Store {
    /// Makes a copy of a store (a file restored from a backup, not open anywhere) safe to
    /// write again: it takes a new writer node id (`meta.node_id`), so it never reissues an op
    /// id that the lost original issued after the backup was made — those ops may be held by
    /// peers with other content (Schema invariant 9). The first node id stays the replica's
    /// identity (`meta.identity`, what peers know it by); every earlier writer id is kept in
    /// `meta.former_node_ids` (16 bytes each). `metadata` is written in the same transaction
    /// (`writeMetadata`). Returns the new writer id. Blocking.
    @discardableResult
    public static func prepareRestoredCopy(path: String, newNodeID: NodeID = .random(),
                                           metadata: [String: String?] = [:]) throws -> NodeID {
        do {
            var options = DatabaseOptions()
            options.create = false
            options.journalModeWAL = false
            let db = try Database(path: path, options: options)
            defer { try? db.close() }  // closing a connection that committed cannot lose data
            try db.inTransaction(.immediate) {
                guard let old = try db.queryFirst("SELECT value FROM meta WHERE key = 'node_id'", [], { $0.nodeID(0) }) ?? nil else {
                    throw StoreError(.incompatible, "\(path) is not a fieldsync store (no node id)")
                }
                let former = try db.queryFirst("SELECT value FROM meta WHERE key = 'former_node_ids'") { $0.blob(0) } ?? nil
                try db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('identity', ?)", [.blob(old.bytes)])
                try putMeta(db, "former_node_ids", .blob((former ?? []) + old.bytes))
                try putMeta(db, "node_id", .blob(newNodeID.bytes))
                try writeMetadata(metadata, in: db)
            }
            return newNodeID
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// The replica's identity: its first node id (what peers know it by), which differs from
    /// `nodeID` (the origin of its new ops) once it was restored from a backup.
    public func identity() throws -> NodeID {
        try onQueue { db in
            try db.queryFirst("SELECT value FROM meta WHERE key = 'identity'") { $0.nodeID(0) } ?? nil
        } ?? nodeID
    }

    /// Every node id this replica has written under: its identity, its former writer ids and
    /// the current one. No peer may use any of them.
    public func ownNodeIDs() throws -> Set<NodeID> {
        let former = try onQueue { db in
            try db.queryFirst("SELECT value FROM meta WHERE key = 'former_node_ids'") { $0.blob(0) } ?? nil
        } ?? []
        var ids: Set<NodeID> = [nodeID, try identity()]
        var offset = 0
        while offset + 16 <= former.count {
            if let id = NodeID(bytes: Array(former[offset..<offset + 16])) { ids.insert(id) }
            offset += 16
        }
        return ids
    }
}
