/// What an audit entry records (`AuditLog`): one case per kind of access or decision. A new
/// feature adds its case here and calls `AuditLog.record` with it — one line in the
/// transaction of the change. The raw value is what the log stores and `audit list --action`
/// matches; never change one, only add.
public enum AuditAction: String, Sendable, CaseIterable {
    // The hub itself.
    case hubInit = "hub.init"
    case hubBackup = "hub.backup"
    case hubRestore = "hub.restore"
    /// `serve` found hub.sqlite replaced or rolled back by hand and started a new epoch.
    case hubRolledBack = "hub.rolled-back"
    case keyCreated = "key.created"
    /// The registry's anchor did not match the chain's head when an entry was about to be
    /// written (rule 5 of `AuditLog`): written first, so the mismatch stays on record.
    case anchorMismatch = "audit.anchor-mismatch"

    // Reports.
    case reportShow = "report.show"
    case reportList = "report.list"
    /// A push (or a release from quarantine) deleted a report the hub had received.
    case reportWithdrawn = "report.withdrawn"
    case reportRecreated = "report.recreated"
    /// A push (or a release) changed a field of a report the hub had received.
    case reportAmended = "report.amended"

    // Nodes, tokens, quarantine.
    case nodeList = "node.list"
    case tokenIssued = "node.token-issued"
    case tokenList = "node.tokens"
    case tokenCancelled = "node.token-cancelled"
    case nodeEnrolled = "node.enrolled"
    case nodeRevoked = "node.revoked"
    case quarantineList = "quarantine.list"
    case quarantineRelease = "quarantine.release"

    /// Whether the entry deliberately moves the registry's anchor to a chain that does not
    /// contain the anchored head (a restore continues from the backup's chain and names the
    /// head it replaced): no `anchorMismatch` entry is written before it.
    var resetsAnchor: Bool { self == .hubRestore || self == .hubRolledBack }
}
