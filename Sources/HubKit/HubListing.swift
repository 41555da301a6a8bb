import JSON
import SyncEngine

/// A listing command's rows: loaded from the store, shown as a text table or (`--json`) as a
/// JSON array.
public protocol HubListing: Sendable, Equatable {
    /// The rows, in display order. Blocking.
    static func load(store: Store) throws -> [Self]
    static func json(_ rows: [Self]) -> JSONValue
    static func text(_ rows: [Self]) -> String
}

extension HubCLI {
    /// `missionhub node list [--json]`, recorded in the audit log as `action`.
    static func list<Listing: HubListing>(_ type: Listing.Type, _ context: CommandContext, audit action: AuditAction) throws -> String {
        let store = try context.openStore()
        let rows = try Listing.load(store: store)
        try audit(context, store, action, ["listed": String(rows.count)])
        if context.command.flag("json") { return JSON.encode(Listing.json(rows), pretty: true) + "\n" }
        return Listing.text(rows)
    }
}
