import Crypto
import SQLite
import SyncEngine
import SyncProtocol

/// A node enrolled at the hub (a row of `hub_nodes`).
public struct EnrolledNode: Sendable, Equatable {
    public let nodeID: NodeID
    public let name: String
    public let enrolledAt: UInt64
    public let revokedAt: UInt64?
    /// The last request counter accepted from the node.
    public let lastCounter: UInt64
    /// When the node last made an authenticated request.
    public let lastContact: UInt64?
    /// The `FS-Protocol` version of its last authenticated request.
    public let lastProtocol: Int?
    /// The wire error code of its last refused request, cleared by the next success.
    public let lastError: String?
    /// Its own ops not yet acknowledged, as it reported on its last request (`FS-Backlog`).
    public let lastBacklog: UInt64?

    public var isRevoked: Bool { revokedAt != nil }
}

/// A token just issued by `node enroll`: the only time its text exists.
public struct IssuedToken: Sendable, Equatable {
    public let token: String
    public let name: String
    public let expiresAt: UInt64
}

/// The enrolled devices and their tokens (`registry.hub_nodes`, `registry.hub_tokens`; see
/// `RegistrySchema`).
///
/// Every method is blocking and runs one transaction on the store's queue; call it through
/// `Store.async` from async code. Refusals meant for a device are thrown as `HubWireError`,
/// refusals meant for the admin as `HubError`.
public struct NodeRegistry: Sendable {
    let store: Store
    /// Who the audit log names for the changes made through this value (`AuditLog`); a
    /// device's own enrollment names the device.
    let actor: AuditActor

    public init(store: Store, actor: AuditActor = .hub) {
        self.store = store
        self.actor = actor
    }

    /// Node names: 1…64 of `A–Z a–z 0–9 . _ -`, starting with a letter or digit.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    // MARK: Admin

    /// Issues a one-time token for a device to be enrolled as `name`. Refused when an active
    /// (not revoked) node already has the name.
    public func issueToken(name: String, lifetimeMilliseconds: UInt64, now: UInt64) throws -> IssuedToken {
        guard Self.isValidName(name) else {
            throw HubError(.invalidValue, "'\(name)' is not a node name",
                           hint: "use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        let token = EnrollmentToken.generate()
        let expiresAt = now &+ lifetimeMilliseconds
        try store.local { db in
            try db.inTransaction(.immediate) {
                if try holder(db, name: name)?.isRevoked == false {
                    throw HubError(.nameTaken, "a node named '\(name)' is enrolled and active",
                                   hint: "revoke it first with `missionhub node revoke \(name)`, or choose another name")
                }
                try db.execute("INSERT INTO registry.hub_tokens(token_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?)",
                               [.blob(EnrollmentToken.hash(token)), .text(name), now.databaseValue, expiresAt.databaseValue])
                try AuditLog.record(in: db, actor: actor, action: .tokenIssued, target: [
                    "name": name, "token": OutstandingToken.id(hash: EnrollmentToken.hash(token)),
                    "expires": TimeText.rfc3339(milliseconds: expiresAt),
                ], at: now)
            }
        }
        return IssuedToken(token: token, name: name, expiresAt: expiresAt)
    }

    /// Every node, by name.
    public func nodes() throws -> [EnrolledNode] {
        try store.local { db in
            try db.query("\(Self.nodeColumns) ORDER BY name") { Self.node($0) }.compactMap { $0 }
        }
    }

    /// Revokes the node called `name`: from now on every signed request from it is refused
    /// with `revoked`, it can never enroll again, and the outstanding tokens for its name are
    /// cancelled. Revoking a revoked node is an error (nothing to do).
    @discardableResult
    public func revoke(name: String, now: UInt64) throws -> EnrolledNode {
        try store.local { db in
            try db.inTransaction(.immediate) {
                guard let node = try holder(db, name: name) else {
                    throw HubError(.unknownNode, "no node is named '\(name)'", hint: "see the names with `missionhub node list`")
                }
                guard !node.isRevoked else {
                    throw HubError(.invalidValue, "node '\(name)' is already revoked", hint: "nothing to do")
                }
                try db.execute("UPDATE registry.hub_nodes SET revoked_at = ? WHERE node_id = ?", [now.databaseValue, .blob(node.nodeID.bytes)])
                try db.execute("""
                    UPDATE registry.hub_tokens SET cancelled_at = ?1 WHERE name = ?2 AND used_at IS NULL AND cancelled_at IS NULL
                    """, [now.databaseValue, .text(name)])
                try AuditLog.record(in: db, actor: actor, action: .nodeRevoked, target: [
                    "name": name, "node": node.nodeID.hex, "tokensCancelled": String(db.changes),
                ], at: now)
                return try holder(db, name: name) ?? node
            }
        }
    }

    // MARK: Devices

    /// Redeems an enrollment token (spec §10.5) and enrolls `nodeID` with `publicKey` under the
    /// token's name, in one transaction.
    ///
    /// Decisions where the spec is silent:
    /// - A token already redeemed by the same node id and key answers the same success again,
    ///   even after it expired (the device's first answer was lost) — unless the node has been
    ///   revoked since (`revoked`).
    /// - No node may take an identity the hub already knows (issue 14, part 3): the hub's own
    ///   ids (its identity and every writer id its store has used) are `already_enrolled`; a
    ///   revoked node id is `revoked` for ever — neither an older token nor a new one brings a
    ///   revoked device back; a node id enrolled under another name, or under this name with
    ///   another key, is `already_enrolled`. An active node bringing its own key again under
    ///   its own name is enrolled again (harmless; the token is spent).
    /// - A new node id taking the name of a revoked node: the revoked row is renamed
    ///   `<name>~<its node id>` and keeps its history; an active holder is `already_enrolled`.
    /// - Returns the enrolled name and whether this was a repeat of an earlier success.
    func redeem(tokenHash: [UInt8], nodeID: NodeID, publicKey: [UInt8], now: UInt64) throws -> (name: String, repeated: Bool) {
        let own = try store.ownNodeIDs()
        return try store.local { db in
            try db.inTransaction(.immediate) {
                let row = try db.queryFirst("SELECT name, expires_at, used_at, used_by, used_key, cancelled_at FROM registry.hub_tokens WHERE token_hash = ?",
                                            [.blob(tokenHash)]) { ($0.string(0) ?? "", $0.unsigned(1) ?? 0, $0.unsigned(2), $0.blob(3), $0.blob(4), $0.unsigned(5)) }
                guard let (name, expiresAt, usedAt, usedBy, usedKey, cancelledAt) = row else { throw HubWireError(.badToken) }
                if usedAt != nil {
                    guard usedBy == nodeID.bytes, usedKey == publicKey else { throw HubWireError(.badToken) }
                    if try node(db, nodeID)?.isRevoked == true { throw Self.revokedForEver }
                    return (name, true)
                }
                guard cancelledAt == nil, now < expiresAt else { throw HubWireError(.badToken) }
                if try own.contains(nodeID) || HubEpoch.writers(db).contains(nodeID) {
                    throw HubWireError(.alreadyEnrolled, "This node id is the hub's own; run fieldnode init in a fresh data directory and enroll again.")
                }
                try enroll(db, name: name, nodeID: nodeID, publicKey: publicKey, now: now)
                try db.execute("UPDATE registry.hub_tokens SET used_at = ?, used_by = ?, used_key = ? WHERE token_hash = ?",
                               [now.databaseValue, .blob(nodeID.bytes), .blob(publicKey), .blob(tokenHash)])
                try AuditLog.record(in: db, actor: .node(nodeID), action: .nodeEnrolled, target: [
                    "name": name, "node": nodeID.hex, "token": OutstandingToken.id(hash: tokenHash),
                ], at: now)
                return (name, false)
            }
        }
    }

    static let revokedForEver = HubWireError(.revoked, "This laptop was revoked and can never enroll again; run fieldnode init in a fresh data directory (a new node id) and enroll with a new token.")

    private func enroll(_ db: Database, name: String, nodeID: NodeID, publicKey: [UInt8], now: UInt64) throws {
        if let existing = try node(db, nodeID) {
            guard !existing.isRevoked else { throw Self.revokedForEver }
            guard existing.name == name else {
                throw HubWireError(.alreadyEnrolled, "This node id is already enrolled under another name; run fieldnode init on a fresh data dir.")
            }
            let currentKey = try db.queryFirst("SELECT public_key FROM registry.hub_nodes WHERE node_id = ?", [.blob(nodeID.bytes)]) { $0.blob(0) } ?? nil
            guard currentKey == publicKey else { throw HubWireError(.alreadyEnrolled) }
            try db.execute("UPDATE registry.hub_nodes SET enrolled_at = ?, last_error = NULL WHERE node_id = ?",
                           [now.databaseValue, .blob(nodeID.bytes)])
            return
        }
        if let holder = try holder(db, name: name) {
            guard holder.isRevoked else {
                throw HubWireError(.alreadyEnrolled, "Another active device is enrolled under this name; ask the admin for a token with another name.")
            }
            try db.execute("UPDATE registry.hub_nodes SET name = ? WHERE node_id = ?",
                           [.text(name + "~" + holder.nodeID.hex), .blob(holder.nodeID.bytes)])
        }
        try db.execute("INSERT INTO registry.hub_nodes(node_id, name, public_key, enrolled_at) VALUES (?, ?, ?, ?)",
                       [.blob(nodeID.bytes), .text(name), .blob(publicKey), now.databaseValue])
    }

    /// A node's device key and whether it is revoked, as committed: what `RequestAuthenticator`
    /// checks a signature with, off the writer. Nil for an id never enrolled (or a key that is
    /// not a valid Ed25519 key, which no enrollment stores).
    func credentials(_ nodeID: NodeID) throws -> NodeKeys.Entry? {
        try store.local { db in
            guard let row = try db.queryFirst("SELECT public_key, revoked_at FROM registry.hub_nodes WHERE node_id = ?",
                                              [.blob(nodeID.bytes)], { ($0.blob(0), $0.unsigned(1)) }),
                  let raw = row.0, let key = try? Ed25519.PublicKey(rawRepresentation: raw) else { return nil }
            return NodeKeys.Entry(key: key, revoked: row.1 != nil)
        }
    }

    /// Accepts a request whose signature verified with `signed.key` (spec §10.2, steps 2 and 4,
    /// re-checked on the writer): the node still holds that key and is not revoked, and the
    /// counter is above the last one accepted. Then stores the new counter, the contact time
    /// and the epoch marks (`HubEpoch` rule 1) in `transaction` — a grouped transaction whose
    /// commit also holds what the request changes, so a replay of a request whose effect or
    /// answer exists is refused even if the hub crashes right after. A refusal is thrown and
    /// the caller's savepoint stores nothing.
    func accept(_ signed: SignedRequest, in transaction: StoreTransaction) throws -> EnrolledNode {
        let id = signed.nodeID
        return try transaction.local { db in
            guard let node = try node(db, id),
                  let raw = try db.queryFirst("SELECT public_key FROM registry.hub_nodes WHERE node_id = ?", [.blob(id.bytes)], { $0.blob(0) }) ?? nil,
                  raw == signed.key.rawRepresentation
            else { throw HubWireError(.unauthenticated) }
            guard !node.isRevoked else { throw HubWireError(.revoked) }
            guard signed.counter > node.lastCounter else { throw HubWireError(.staleCounter, lastCounter: node.lastCounter) }
            try db.execute("UPDATE registry.hub_nodes SET last_counter = ?, last_contact = ?, last_protocol = ?, last_backlog = coalesce(?, last_backlog) WHERE node_id = ?",
                           [signed.counter.databaseValue, signed.now.databaseValue, .integer(Int64(signed.protocolVersion)),
                            signed.backlog.map { $0.databaseValue } ?? .null, .blob(id.bytes)])
            try db.execute(HubEpoch.refreshMarks, [.blob(store.nodeID.bytes)])
            return try self.node(db, id) ?? node
        }
    }

    /// Records the outcome of a node's request (`last_error`): the wire error code, or nil for
    /// success; in the caller's (grouped) transaction.
    static func recordOutcome(nodeID: NodeID, errorCode: String?, in transaction: StoreTransaction) throws {
        try transaction.local { db in
            try db.execute("UPDATE registry.hub_nodes SET last_error = ? WHERE node_id = ?",
                           [errorCode.map { .text($0) } ?? .null, .blob(nodeID.bytes)])
        }
    }

    /// Node names by id, for listings.
    public func names() throws -> [NodeID: String] {
        Dictionary(try nodes().map { ($0.nodeID, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Rows

    private static let nodeColumns = """
        SELECT node_id, name, enrolled_at, revoked_at, last_counter, last_contact, last_protocol, last_error, last_backlog FROM registry.hub_nodes
        """

    private static func node(_ row: Row) -> EnrolledNode? {
        guard let id = row.blob(0).flatMap(NodeID.init(bytes:)) else { return nil }
        return EnrolledNode(nodeID: id, name: row.string(1) ?? "", enrolledAt: row.unsigned(2) ?? 0, revokedAt: row.unsigned(3),
                            lastCounter: row.unsigned(4) ?? 0, lastContact: row.unsigned(5), lastProtocol: row.int(6),
                            lastError: row.string(7), lastBacklog: row.unsigned(8))
    }

    private func node(_ db: Database, _ id: NodeID) throws -> EnrolledNode? {
        try db.queryFirst("\(Self.nodeColumns) WHERE node_id = ?", [.blob(id.bytes)]) { Self.node($0) } ?? nil
    }

    private func holder(_ db: Database, name: String) throws -> EnrolledNode? {
        try db.queryFirst("\(Self.nodeColumns) WHERE name = ?", [.text(name)]) { Self.node($0) } ?? nil
    }
}
