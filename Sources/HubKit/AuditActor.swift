import SyncProtocol
import Toolkit

/// Who an audit entry says acted: an administrator (the Unix user who ran `missionhub`, the
/// one behind `sudo` when there is one), an enrolled laptop (its node id, for its requests), or
/// the hub on its own (a decision no one asked for, such as a new epoch at start).
public struct AuditActor: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case admin, node, hub
    }

    public let kind: Kind
    public let name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The administrator running this command: `$SUDO_USER` when run through sudo (root's
    /// name says nothing about who it was), else the effective user.
    public static func admin(environment: [String: String]) -> AuditActor {
        if let user = environment["SUDO_USER"], !user.isEmpty { return AuditActor(kind: .admin, name: user) }
        return AuditActor(kind: .admin, name: UnixUser.effectiveName())
    }

    /// An enrolled laptop, by node id (names can be reused after a revocation; ids cannot).
    public static func node(_ id: NodeID) -> AuditActor { AuditActor(kind: .node, name: id.hex) }

    /// The hub on its own.
    public static let hub = AuditActor(kind: .hub, name: "missionhub")
}
