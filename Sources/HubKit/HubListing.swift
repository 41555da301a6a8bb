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
    /// `missionhub node list [--json]`, `missionhub report list [--json]`.
    static func list<Listing: HubListing>(_ type: Listing.Type, _ context: CommandContext) throws -> String {
        let rows = try Listing.load(store: try context.openStore())
        if context.command.flag("json") { return JSON.encode(Listing.json(rows), pretty: true) + "\n" }
        return Listing.text(rows)
    }
}
