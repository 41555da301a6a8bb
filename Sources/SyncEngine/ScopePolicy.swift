import SyncProtocol

/// Decides, at the hub, which peers may receive an op: the op is stored with a scope string and
/// a node pulls only the scopes it is entitled to (`ref` and `node:<its id>`), never other nodes'
/// reports.
///
/// The scope must be a pure function of the op's collection and entity (the store computes it
/// once per entity and batch), so it cannot depend on arrival order. Records that
/// belong to a node carry the owner in their id: `<owner node id, 32 hex digits>-<local id>`
/// (see `EntityID`). A hub-created record about a node's report (a referral, a status) uses the
/// same prefix, and so reaches that node.
public struct ScopePolicy: Sendable {
    public let scope: @Sendable (_ op: Op) -> String

    public init(_ scope: @escaping @Sendable (_ op: Op) -> String) {
        self.scope = scope
    }

    /// Reference data (`ref.*` collections) goes to every node; a record owned by a node goes
    /// to that node only; everything else stays at the hub.
    public static let standard = ScopePolicy { op in
        if op.collection.hasPrefix("ref.") { return ScopePolicy.reference }
        if let owner = EntityID.owner(op.entity) { return ScopePolicy.node(owner) }
        return ScopePolicy.hubOnly
    }

    public static let reference = "ref"
    public static let hubOnly = "hub"
    public static let quarantine = "quarantine"
    public static let local = "local"
    public static func node(_ id: NodeID) -> String { "node:" + id.hex }

    /// The scopes a node may pull.
    public static func scopes(for node: NodeID) -> [String] { [reference, ScopePolicy.node(node)] }
}

/// Entity ids of node-owned records: `<owner hex>-<local part>`.
public enum EntityID {
    /// A new id owned by `owner`: the owner's 32 hex digits, `-`, 16 random hex digits.
    public static func make(owner: NodeID, local: String? = nil) -> String {
        if let local { return owner.hex + "-" + local }
        var g = SystemRandomNumberGenerator()
        return owner.hex + "-" + Hex.encode((0..<8).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    /// The owner named by an id of that form, else nil.
    public static func owner(_ entity: String) -> NodeID? {
        let utf8 = entity.utf8
        guard utf8.count > 33, utf8[utf8.index(utf8.startIndex, offsetBy: 32)] == UInt8(ascii: "-") else { return nil }
        let hex = String(decoding: utf8.prefix(32), as: UTF8.self)
        guard hex == hex.lowercased() else { return nil }
        return NodeID(hex: hex)
    }
}
