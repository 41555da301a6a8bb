import FieldModel
import Toolkit
import JSON

/// `fieldnode report list [--json]`: every report on this node, newest first.
enum ReportListCommand {
    static func run(_ context: NodeContext) throws {
        let node = try context.openNode()
        let reports = try ReportCatalog(node: node)
        if context.command.flag("json") {
            context.sayJSON(.array(reports.all.map { reports.summaryJSON($0) }))
            return
        }
        guard !reports.all.isEmpty else {
            context.say("no reports yet; add one with: fieldnode report add --json FILE")
            return
        }
        var table = TextTable(["REFERENCE", "RECEIVED", "CHANNEL", "AREA", "CAT", "CHILD", "SYNC", "CONFLICTS"])
        for report in reports.all {
            table.append([
                report.ref,
                report.receivedAt.map(LocalTime.display) ?? "-",
                report.channel ?? "-",
                report.area ?? "-",
                report.category.map(String.init) ?? "-",
                childFlag(report),
                reports.ledger.state(of: report).rawValue,
                report.conflicts.isEmpty ? "-" : "yes",
            ])
        }
        context.output.write(table.rendered())
    }

    /// `yes` (a victim under 18), `maybe` (an age is unknown or no victim recorded), `no`: the
    /// rule the hub applies too (`ChildInvolvement`).
    static func childFlag(_ report: StoredReport) -> String {
        ChildInvolvement(involvesChild: report.involvesChild, ageUndetermined: report.ageUndetermined)?.rawValue ?? "-"
    }
}

/// The reports of a node with their sync states, newest received first.
struct ReportCatalog {
    let ledger: SyncLedger
    let all: [StoredReport]

    init(node: FieldNode) throws {
        ledger = try SyncLedger(node: node)
        let reports = try node.store.documents(FieldNode.reports).filter(\.exists).map(StoredReport.init)
        // Newest first by the time the report was received; the store keeps creation order,
        // which breaks ties (newest created first).
        all = reports.enumerated().sorted { a, b in
            let ta = a.element.receivedAt.flatMap(LocalTime.epochSeconds) ?? Int.min
            let tb = b.element.receivedAt.flatMap(LocalTime.epochSeconds) ?? Int.min
            return ta != tb ? ta > tb : a.offset > b.offset
        }.map(\.element)
    }

    /// The stable `--json` form of one line of the listing.
    func summaryJSON(_ report: StoredReport) -> JSONValue {
        .object(JSONObject([
            "id": .string(report.id),
            "ref": .string(report.ref),
            "receivedAt": report.receivedAt.map(JSONValue.string) ?? .null,
            "channel": report.channel.map(JSONValue.string) ?? .null,
            "area": report.area.map(JSONValue.string) ?? .null,
            "category": report.category.map(JSONValue.int) ?? .null,
            "involvesChild": report.involvesChild.map(JSONValue.bool) ?? .null,
            "ageUndetermined": report.ageUndetermined.map(JSONValue.bool) ?? .null,
            "sync": .string(ledger.state(of: report).rawValue),
            "conflicts": .bool(!report.conflicts.isEmpty),
        ]))
    }
}
