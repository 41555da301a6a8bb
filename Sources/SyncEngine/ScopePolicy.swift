import SyncProtocol

/// Decides, at the hub, which peers may receive an op: the op is stored with a scope string and
/// a node pulls only the scopes it is entitled to (`ref` and `node:<its id>`), never other nodes'
/// reports.
public struct ScopePolicy: Sendable {
    public let scope: @Sendable (_ op: Op, _ owner: NodeID?) -> String

    public init(_ scope: @escaping @Sendable (_ op: Op, _ owner: NodeID?) -> String) {
        self.scope = scope
    }

    /// Reference data (`ref.*` collections) goes to every node; an entity created by a node goes
    /// back to that node only; everything else stays at the hub.
    public static let standard = ScopePolicy { op, owner in
        if op.collection.hasPrefix("ref.") { return ScopePolicy.reference }
        if let owner { return ScopePolicy.node(owner) }
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
