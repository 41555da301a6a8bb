import FieldModel
import JSON

/// `fieldnode report show REF|ID [--json]`: one report in full, with its derived values, its
/// sync state and any conflicts.
enum ReportShowCommand {
    static func run(_ context: NodeContext) throws {
        let node = try context.openNode()
        let report = try StoredReport.find(context.command.positional("report") ?? "", in: node)
        let state = try SyncLedger(node: node).state(of: report)
        if context.command.flag("json") {
            context.sayJSON(json(report, state: state))
        } else {
            context.output.write(text(report, state: state))
        }
    }

    static func json(_ report: StoredReport, state: SyncState) -> JSONValue {
        .object(JSONObject([
            "id": .string(report.id),
            "ref": .string(report.ref),
            "sync": .string(state.rawValue),
            "hubReceivedAt": report.hubReceivedAt.map { .int(Int64($0)) } ?? .null,
            "derived": .object(JSONObject([
                "category": report.category.map(JSONValue.int) ?? .null,
                "involvesChild": report.involvesChild.map(JSONValue.bool) ?? .null,
                "ageUndetermined": report.ageUndetermined.map(JSONValue.bool) ?? .null,
            ])),
            "report": report.assembled,
            "sealed": .array(report.sealedPaths.map(JSONValue.string)),
            "conflicts": .array(report.conflicts.map { conflict in
                .object(JSONObject([
                    "field": .string(conflict.field),
                    "winner": conflict.winner.json,
                    "losers": .array(conflict.losers.map(\.json)),
                ]))
            }),
        ]))
    }

    static func text(_ report: StoredReport, state: SyncState) -> String {
        let lines: [(String, String)] = [
            ("reference", report.ref),
            ("id", report.id),
            ("sync", state.explanation),
            ("received by hub", report.hubReceivedAt.map { LocalTime.display(milliseconds: $0) } ?? "not yet"),
            ("category", report.category.map(String.init) ?? "-"),
            ("involves a child", yesNo(report.involvesChild)),
            ("age undetermined", yesNo(report.ageUndetermined)),
        ]
        var out = aligned(lines) + "\n"
        out += aligned(StoredReport.displayLines(report.assembled))
        if report.hasSealedValues {
            out += "\n\(StoredReport.sealedMark): sealed to the hub's key when saved; this laptop cannot read them back (the hub opens them)\n"
        }
        let conflicts = report.conflicts
        if !conflicts.isEmpty {
            out += "\nconflicts (changed on two machines at once; amend the field to settle it):\n"
            for conflict in conflicts {
                let losers = conflict.losers.map(\.display).joined(separator: ", ")
                out += "  \(conflict.field): kept \(conflict.winner.display); also written: \(losers)\n"
            }
        }
        return out
    }

    /// `label  value` lines with the values in one column; a multi-line value continues
    /// in that column.
    static func aligned(_ lines: [(String, String)]) -> String {
        let width = (lines.map(\.0.count).max() ?? 0) + 2
        let margin = String(repeating: " ", count: width)
        return lines.map { label, value in
            let padded = label + String(repeating: " ", count: width - label.count)
            return padded + value.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + margin) + "\n"
        }.joined()
    }

    private static func yesNo(_ value: Bool?) -> String {
        value.map { $0 ? "yes" : "no" } ?? "-"
    }
}

extension StoredReport {
    /// The report named by a reference code (as an operator might type it: any case, with or
    /// without hyphens) or by its id.
    static func find(_ text: String, in node: FieldNode) throws -> StoredReport {
        let store = node.store
        var entity: String?
        if let document = try store.document(FieldNode.reports, text), document.exists {
            entity = text
        } else if let code = ReferenceCode.parse(text) {
            entity = try store.entity(collection: FieldNode.reports, ref: code.description)
        }
        guard let entity, let document = try store.document(FieldNode.reports, entity), document.exists else {
            throw NodeError.user("no report with reference \(text) on this node", hint: "copy the reference from `fieldnode report list`")
        }
        return StoredReport(document)
    }
}
