import SQLite
import SyncProtocol

/// What this replica knows about one peer.
public struct PeerState: Sendable, Hashable {
    public let peer: String
    /// Our ops 1…pushAcked are durably stored by the peer.
    public let pushAcked: UInt64
    /// The peer's arrival number up to which we have pulled.
    public let pullCursor: Int64
    public let lastSuccessMilliseconds: UInt64?
    public let lastAttemptMilliseconds: UInt64?
    public let lastError: String?
    /// Peer clock minus ours, as last measured.
    public let clockOffsetMilliseconds: Int64?
    /// The peer's epoch (`FS-Hub-Epoch`) as last seen, nil before the first contact.
    public var epoch: String? = nil
    /// False from the moment the peer started a new epoch until an acknowledgement of the new
    /// epoch said what it holds: `pushAcked` may then claim ops the peer lost.
    public var acksVerified: Bool = true
    /// How many of our ops the peer said it holds in quarantine (last push ack).
    public var heldAtPeer: Int = 0
}

/// Ops for a pull response.
public struct PullSlice: Sendable {
    public let ops: [Op]
    /// Where the next pull starts (the arrival number of the last op returned, or the request's).
    public let nextCursor: Int64
    /// True when the limit cut the slice short: pull again at once.
    public let more: Bool
}

extension Store {
    // MARK: Pushing (the side that sends its own ops)

    /// Our own ops the peer has not acknowledged, in sequence order, at most `maxOps` of them and
    /// about `maxBytes` of encoded ops (always at least one op, so a large op still moves).
    public func pendingPush(peer: String, maxOps: Int = 1000, maxBytes: Int = 256 * 1024) throws -> [Op] {
        try onQueue { db in
            let acked = try peerRow(db, peer)?.pushAcked ?? 0
            var ops: [Op] = []
            var bytes = 0
            let rows = try db.cachedStatement("""
                SELECT \(StoredBody.columns) FROM ops o \(StoredBody.joins)
                WHERE o.origin_id = \(StoredBody.originID(1)) AND o.seq > ?2 AND o.scope <> ?4 ORDER BY o.seq LIMIT ?3
                """).query([nodeID.databaseValue, acked.databaseValue, .integer(Int64(maxOps)), .integer(MergeContext.quarantineScope)]) {
                    try StoredBody.canonical($0)
                }
            for body in rows {
                if !ops.isEmpty && bytes + body.count > maxBytes { break }
                ops.append(try OpCodec.decode(body))
                bytes += body.count
            }
            return ops
        }
    }

    /// How many of our own ops the peer has not acknowledged yet. Our own ops are gapless
    /// (1…maxSeq), so this is a subtraction, not a count.
    public func backlog(peer: String) throws -> Int {
        try onQueue { db in
            let acked = try peerRow(db, peer)?.pushAcked ?? 0
            let written = try OpLog.maxSeq(db, origin: nodeID)
            return Int(clamping: written - min(acked, written))
        }
    }

    /// Records the peer's acknowledgement of our ops: ops 1…`contiguous` are durably stored there.
    /// The peer is authoritative about what it holds, so the cursor follows it in both
    /// directions: a hub restored from an older backup acknowledges less than before, and we
    /// resend what it lost (redelivery is idempotent) instead of skipping it for ever. Returns
    /// true when the cursor moved back. A peer that holds more of our ops than we ever wrote
    /// means this store was restored from an older backup: writing on would reuse sequence
    /// numbers, so that is refused loudly.
    @discardableResult
    public func recordPushAck(peer: String, contiguous: UInt64, heldInQuarantine: Int? = nil) throws -> Bool {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                let ours = try OpLog.maxSeq(db, origin: nodeID)
                if contiguous > ours {
                    throw StoreError(.storeBehindPeer, "the hub holds \(contiguous) ops from this node but this store has only \(ours): it was restored from an older backup. Stop using it and enrol this laptop again as a new node")
                }
                try ensurePeer(db, peer)
                let before = try peerRow(db, peer)?.pushAcked ?? 0
                try db.cachedStatement("""
                    UPDATE peers SET push_acked = ?2, acks_verified = 1, held_at_peer = coalesce(?3, held_at_peer) WHERE peer = ?1
                    """).execute([.text(peer), contiguous.databaseValue, heldInQuarantine.map { .integer(Int64($0)) } ?? .null])
                return contiguous < before
            }
        }
    }

    /// Records the peer's epoch as seen on a response. The first one seen is simply stored. A
    /// different one means the peer was restored from a backup (spec §13.7): in one
    /// transaction the pull cursor returns to 0 (the restored peer numbers its ops anew) and
    /// our acknowledgements become unverified (it may have lost ops it acknowledged), so the
    /// next round asks it what it holds, resends what it lost and pulls everything again.
    /// Returns true when the epoch changed.
    @discardableResult
    public func recordPeerEpoch(peer: String, epoch: String) throws -> Bool {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                try ensurePeer(db, peer)
                let stored = try peerRow(db, peer)?.epoch
                guard stored != epoch else { return false }
                if stored == nil {
                    try db.execute("UPDATE peers SET epoch = ?2 WHERE peer = ?1", [.text(peer), .text(epoch)])
                    return false
                }
                try db.execute("UPDATE peers SET epoch = ?2, pull_cursor = 0, acks_verified = 0, held_at_peer = 0 WHERE peer = ?1",
                               [.text(peer), .text(epoch)])
                return true
            }
        }
    }

    /// How many entities have an op stamped further ahead of our (corrected) clock than the skew
    /// guard allows: what a peer with the same guard and a right clock holds in quarantine for
    /// them. `fieldnode status` shows it when the hub says it holds some of our ops there.
    public func entitiesStampedAhead() throws -> Int {
        try onQueue { db in
            let now = try OpLog.now(db, wall: options.wallClock())
            let limit = min(now &+ options.maxDriftMilliseconds, HLC.maxMilliseconds)
            let threshold = HLC(milliseconds: limit, counter: UInt16.max)
            return Int(try db.scalar("SELECT count(*) FROM entities WHERE last_hlc > ?", [threshold.databaseValue], as: Int64.self) ?? 0)
        }
    }

    // MARK: Pulling

    /// Applies pulled ops and advances the pull cursor in the same transaction: a crash leaves
    /// either both or neither, so a resumed pull neither skips nor duplicates.
    public func applyPulled(peer: String, ops: [Op], nextCursor: Int64) throws -> ApplyOutcome {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                let outcome = try applyInTransaction(ops, db: db)
                try ensurePeer(db, peer)
                try db.cachedStatement("UPDATE peers SET pull_cursor = max(pull_cursor, ?2) WHERE peer = ?1")
                    .execute([.text(peer), .integer(nextCursor)])
                return outcome
            }
        }
    }

    /// Serving a pull: merged ops in `scopes` that arrived after `cursor`, excluding those whose
    /// origin is `excludingOrigin` (the puller's own ops), in arrival order: at most `maxOps`
    /// rows examined and about `maxBytes` of encoded ops (always at least one op when one is
    /// pending, spec §10.4).
    ///
    /// Memory is bounded by the page, not by the store: the walk reads only each row's arrival
    /// number, id and body length (SQLite sorts those narrow rows, not the bodies), steps row by
    /// row, and loads a body only once it is known to fit; it stops at the first op that does
    /// not. A left-out op of the puller costs no body read and no budget.
    public func opsForPull(scopes: [String], excludingOrigin: NodeID?, after cursor: Int64,
                           maxOps: Int = 1000, maxBytes: Int = 256 * 1024) throws -> PullSlice {
        try read { db in try Self.slice(db, scopes: scopes, excludingOrigin: excludingOrigin, after: cursor, maxOps: maxOps, maxBytes: maxBytes) }
    }

    /// `opsForPull` from async code, on a reader: a pull never queues behind pushes.
    public func opsForPullAsync(scopes: [String], excludingOrigin: NodeID?, after cursor: Int64,
                                maxOps: Int = 1000, maxBytes: Int = 256 * 1024) async throws -> PullSlice {
        try await readAsync { db in
            try Self.slice(db, scopes: scopes, excludingOrigin: excludingOrigin, after: cursor, maxOps: maxOps, maxBytes: maxBytes)
        }
    }

    private static func slice(_ db: Database, scopes: [String], excludingOrigin: NodeID?, after cursor: Int64,
                              maxOps: Int, maxBytes: Int) throws -> PullSlice {
        let ids = try scopes.compactMap { name in
            try db.cachedStatement("SELECT id FROM scopes WHERE name = ?").queryFirst([.text(name)]) { $0.int64(0) } ?? nil
        }.filter { $0 != MergeContext.quarantineScope }
        guard !ids.isEmpty else { return PullSlice(ops: [], nextCursor: cursor, more: false) }
        let placeholders = ids.indices.map { "?\($0 + 4)" }.joined(separator: ", ")
        // `ops_scope` is partial (Schema invariant 1b): a query that does not ask for the local
        // scope says so in these words, or SQLite cannot use the index.
        let indexed = ids.contains(MergeContext.localScope) ? "" : " AND o.\(Schema.scopeIndexCondition)"
        // The puller's own ops are left out in SQL (spec §10.4 allows it): they cost neither a
        // row of the page nor a round trip. The scope index holds (origin_id, seq) as the key.
        let walk = try db.cachedStatement("""
            SELECT o.local_seq, o.origin_id, o.seq, length(o.body), length(CAST(e.collection AS BLOB)), length(CAST(e.entity AS BLOB)),
                   length(CAST(f.name AS BLOB))
            FROM ops o LEFT JOIN entities e ON e.id = o.entity_id LEFT JOIN field_names f ON f.id = o.field_id
            WHERE o.scope IN (\(placeholders))\(indexed) AND o.local_seq > ?1 AND o.origin_id IS NOT \(StoredBody.originID(3))
            ORDER BY o.local_seq LIMIT ?2
            """)
        let bodyOf = try db.cachedStatement("SELECT \(StoredBody.columns) FROM ops o \(StoredBody.joins) WHERE o.origin_id = ?1 AND o.seq = ?2")
        let scopeArguments = ids.map { DatabaseValue.integer($0) }
        var ops: [Op] = []
        var next = cursor
        var bytes = 0
        var more = false
        try walk.forEachRow([.integer(cursor), .integer(Int64(maxOps + 1)), excludingOrigin?.databaseValue ?? .null] + scopeArguments) { row in
            guard ops.count < maxOps else { more = true; return .stop }
            let localSeq = row.int64(0) ?? 0
            let length = StoredBody.canonicalLength(stored: row.int(3) ?? 0, seq: row.uint64(2) ?? 0, collectionBytes: row.int(4), entityBytes: row.int(5),
                                                     fieldBytes: row.int(6))
            if !ops.isEmpty && bytes + length > maxBytes { more = true; return .stop }
            next = localSeq
            // Same connection, same read snapshot as the walk (it is still stepping): the
            // row is there; a missing one would fail decoding as `truncated`, never skip.
            let body = try bodyOf.queryFirst([row[1], row[2]]) { try StoredBody.canonical($0) } ?? []
            ops.append(try OpCodec.decode(body))
            bytes += length
            return .next
        }
        if !more {
            // Everything after `next` in these scopes is the puller's own: move past it, so the
            // next pull does not walk it again.
            let last = try db.cachedStatement("SELECT max(o.local_seq) FROM ops o WHERE o.scope IN (\(placeholders))\(indexed)")
                .queryFirst([.null, .null, .null] + scopeArguments) { $0.int64(0) } ?? nil
            if let last, last > next { next = last }
        }
        return PullSlice(ops: ops, nextCursor: next, more: more)
    }

    // MARK: Peer bookkeeping

    public func peerState(_ peer: String) throws -> PeerState {
        try onQueue { db in
            try peerRow(db, peer) ?? PeerState(peer: peer, pushAcked: 0, pullCursor: 0, lastSuccessMilliseconds: nil,
                                               lastAttemptMilliseconds: nil, lastError: nil, clockOffsetMilliseconds: nil)
        }
    }

    /// Records the end of a sync attempt: success clears the last error.
    public func recordSyncAttempt(peer: String, error: String?, clockOffsetMilliseconds: Int64?) throws {
        try onQueue { db in
            try db.inTransaction(.immediate) {
                try ensurePeer(db, peer)
                let now = options.wallClock().databaseValue
                if let error {
                    try db.execute("UPDATE peers SET last_attempt = ?2, last_error = ?3 WHERE peer = ?1",
                                   [.text(peer), now, .text(error)])
                } else {
                    try db.execute("UPDATE peers SET last_attempt = ?2, last_success = ?2, last_error = NULL WHERE peer = ?1",
                                   [.text(peer), now])
                }
                if let clockOffsetMilliseconds {
                    try db.execute("UPDATE peers SET clock_offset_ms = ?2 WHERE peer = ?1",
                                   [.text(peer), .integer(clockOffsetMilliseconds)])
                }
            }
        }
    }

    private func ensurePeer(_ db: Database, _ peer: String) throws {
        try db.cachedStatement("INSERT OR IGNORE INTO peers(peer) VALUES (?)").execute([.text(peer)])
    }

    private func peerRow(_ db: Database, _ peer: String) throws -> PeerState? {
        try db.cachedStatement("""
            SELECT push_acked, pull_cursor, last_success, last_attempt, last_error, clock_offset_ms,
                   epoch, acks_verified, held_at_peer FROM peers WHERE peer = ?
            """).queryFirst([.text(peer)]) { row in
                PeerState(peer: peer, pushAcked: row.uint64(0) ?? 0, pullCursor: row.int64(1) ?? 0,
                          lastSuccessMilliseconds: row.uint64(2), lastAttemptMilliseconds: row.uint64(3),
                          lastError: row.string(4), clockOffsetMilliseconds: row.int64(5),
                          epoch: row.string(6), acksVerified: (row.int64(7) ?? 1) != 0, heldAtPeer: Int(row.int64(8) ?? 0))
            }
    }
}

extension Store {
    // MARK: Reading state

    /// Runs read-only queries on the store's queue.
    public func document(_ collection: String, _ entity: String) throws -> Document? {
        try onQueue { db in try Reader(db: db).document(collection, entity) }
    }

    /// Every entity of a collection, oldest first.
    public func documents(_ collection: String) throws -> [Document] {
        try onQueue { db in try Reader(db: db).documents(collection) }
    }

    /// The entity whose `ref` field holds `ref`.
    public func entity(collection: String, ref: String) throws -> String? {
        try onQueue { db in try Reader(db: db).entity(collection: collection, ref: ref) }
    }

    /// Counts for status displays.
    public func counts() throws -> (ops: Int, quarantined: Int, origins: Int) {
        try onQueue { db in
            let ops = try db.scalar("SELECT count(*) FROM ops", as: Int64.self) ?? 0
            let q = try db.scalar("SELECT count(*) FROM quarantine", as: Int64.self) ?? 0
            let o = try db.scalar("SELECT count(*) FROM origins", as: Int64.self) ?? 0
            return (Int(ops), Int(q), Int(o))
        }
    }
}
