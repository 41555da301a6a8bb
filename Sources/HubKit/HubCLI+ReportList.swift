import FieldModel
import JSON
import SyncEngine
import SyncProtocol
import Toolkit

extension HubCLI {
    static let day = ValueRule(noun: "a date", hint: "write YYYY-MM-DD, such as 2026-11-23") { text in
        text.utf8.count == 10 && TimeText.milliseconds(text) != nil
    }

    /// `missionhub report list`'s options: `--json` and the filters (`ReportFilter`).
    static let reportListArguments: [ArgumentSpec] = [
        jsonFlag,
        .option("received-from", valueName: "date", rule: day, help: "Received at the hub on or after this day (UTC)."),
        .option("received-to", valueName: "date", rule: day, help: "Received at the hub on or before this day (UTC)."),
        .option("incident-from", valueName: "date", rule: day, help: "The incident's dates reach this day or later."),
        .option("incident-to", valueName: "date", rule: day, help: "The incident's dates begin on this day or earlier."),
        .option("area", valueName: "locality", help: "The incident's locality (incident.area), in any case."),
        .repeatingOption("type", valueName: "allegation", rule: .choices(AllegationType.allCases.map(\.rawValue), noun: "an allegation type"),
                         help: "An allegation type, such as rape; repeat for any of several."),
        .flag("child", help: "Only reports where a child is involved or an age is undetermined (a possible child)."),
        .repeatingOption("personnel", valueName: "category", rule: .choices(PersonnelCategory.allCases.map(\.rawValue), noun: "a personnel category"),
                         help: "The alleged personnel's category, such as military_contingent; repeat for any of several."),
        .repeatingOption("nationality", valueName: "code", help: "The alleged personnel's nationality (ISO 3166 alpha-3, such as BGD); repeat for any of several."),
        .option("node", valueName: "name|id", help: "Only reports from this laptop (its name in `node list`, or its node id)."),
        .flag("urgent", help: "Only reports whose urgency is high."),
    ]

    /// `missionhub report list [filters] [--json]`: an index read, recorded in the audit log
    /// with the filters used and the number of reports listed.
    static func listReports(_ context: CommandContext) throws -> String {
        let store = try context.openStore()
        let filter = try reportFilter(context, store)
        let listings = try ReportListing.load(store: store, filter: filter)
        try audit(context, store, .reportList, filter.auditTarget.merging(["listed": String(listings.count)]) { $1 })
        if context.command.flag("json") { return JSON.encode(ReportListing.json(listings), pretty: true) + "\n" }
        if listings.isEmpty && filter != ReportFilter() { return "No received report matches these filters.\n" }
        return ReportListing.text(listings)
    }

    static func reportFilter(_ context: CommandContext, _ store: Store) throws -> ReportFilter {
        let command = context.command
        var filter = ReportFilter()
        filter.receivedFrom = command.option("received-from")
        filter.receivedTo = command.option("received-to")
        filter.incidentFrom = command.option("incident-from")
        filter.incidentTo = command.option("incident-to")
        filter.area = command.option("area")
        filter.allegationTypes = command.options("type")
        filter.possibleChild = command.flag("child")
        filter.personnel = command.options("personnel")
        filter.nationalities = command.options("nationality").map { $0.uppercased() == "UNKNOWN" ? "unknown" : $0.uppercased() }
        filter.urgentOnly = command.flag("urgent")
        if let node = command.option("node") {
            let names = try NodeRegistry(store: store).names()
            guard let id = names.first(where: { $0.value == node })?.key ?? NodeID(hex: node.lowercased()) else {
                throw HubError(.unknownNode, "no laptop is named '\(node)'", hint: "see the names and ids with `missionhub node list`")
            }
            filter.node = id
        }
        return filter
    }
}
