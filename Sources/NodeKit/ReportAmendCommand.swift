import Collections
import FieldModel
import JSON
import Scrub
import SyncEngine
import SyncProtocol

/// `fieldnode report amend REF --set PATH=VALUE ...`: changes fields of a stored report.
///
/// Each change is validated with `Intake.validateAmendment` against the report as amended so
/// far, exactly like intake; if any is invalid nothing changes. The changes are then written in
/// one transaction as the difference between the stored report and the amended one (set
/// fields gain and lose elements to reach the new set). Every requested field is written even
/// when its value is unchanged, so that amending a field settles a conflict on it. A new
/// narrative is scrubbed first (`NarrativeScrubbing`), with the identifiers given by
/// `--identifiers` (the report's own were never stored).
enum ReportAmendCommand {
    static func run(_ context: NodeContext) throws {
        let changes = context.command.options("set").map(splitAssignment)  // required, each checked by isAssignment
        let identifiers = try context.command.option("identifiers").map { try readIdentifiers($0, context: context) } ?? []
        let node = try context.openNode()
        let target = try StoredReport.find(context.command.positional("report") ?? "", in: node)
        var scrub: ScrubResult?
        let written = try node.store.write { tx -> [String] in
            guard let document = try tx.document(FieldNode.reports, target.id) else { throw vanished(target) }
            let stored = StoredReport(document)
            var amended = try amend(stored.assembled, with: changes)
            if amended.requested.contains("allegation.narrative") {
                let scrubbed = try NarrativeScrubbing.scrub(amended.report, identifiers: identifiers, now: context.nowRFC3339)
                amended.report = scrubbed.report
                scrub = scrubbed.result
            }
            guard amended.report.mission == node.mission else {
                throw NodeError.user("this node records reports for mission \(node.mission) only; nothing was changed",
                                     hint: "leave the mission as \(node.mission)")
            }
            try write(amended.report, over: stored, requested: amended.requested, id: target.id, tx: tx)
            try ReportWriter.writeDerived(amended.report, id: target.id, tx: tx)
            return Array(Set(tx.ops.compactMap(\.fieldName).filter(ReportCollection.isIntake))).sorted()
        }
        if let scrub { NarrativeScrubbing.note(scrub, context: context) }
        if written.isEmpty {
            context.say("\(target.ref) already has these values; nothing was changed")
        } else {
            context.say("amended \(target.ref): \(written.joined(separator: ", "))")
        }
    }

    /// The identifiers in `source` (a path or `-`): one object or a list of objects with
    /// `name`, `phone`, `dateOfBirth`.
    static func readIdentifiers(_ source: String, context: NodeContext) throws -> [PersonIdentifiers] {
        let bytes = try ReportAddCommand.read(source, context: context)
        let document: JSONValue
        do {
            document = try JSON.parse(bytes, limits: JSONLimits(maxBytes: Intake.maxBytes))
        } catch {
            throw NodeError.user("the identifiers are not valid JSON: \(error); nothing was changed",
                                 hint: "give an object such as {\"name\": \"…\", \"phone\": \"…\"} or a list of them")
        }
        let victims: [JSONValue] = document.arrayValue ?? [document]
        let wrapped = victims.map { JSONValue.object(JSONObject(["identifiers": $0])) }
        return NarrativeScrubbing.identifiers(in: .object(JSONObject(["victims": .array(wrapped)])))
    }

    /// Whether `text` is `PATH=VALUE` with a path before the first `=` (the `--set` rule).
    @Sendable static func isAssignment(_ text: String) -> Bool {
        text.firstIndex(of: "=").map { $0 != text.startIndex } ?? false
    }

    /// `PATH=VALUE` split at the first `=`; the value may be empty (clears an optional field).
    /// Text without `=` (refused by ``isAssignment(_:)``) is a path with an empty value.
    static func splitAssignment(_ text: String) -> (path: String, value: String) {
        guard let equals = text.firstIndex(of: "=") else { return (text, "") }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Applies every change in order, each validated against the result of the previous ones;
    /// collects every problem before failing.
    static func amend(_ current: JSONValue, with changes: [(path: String, value: String)]) throws
        -> (report: ReportIntake, requested: Set<String>) {
        var document = current
        var report: ReportIntake?
        var requested = Set<String>()
        var issues: [String] = []
        for change in changes {
            switch Intake.validateAmendment(current: document, path: change.path, rawValue: change.value) {
            case .success(let amendment):
                document = amendment.report.toJSON()
                report = amendment.report
                requested.formUnion(amendment.fields.map(\.path).filter { $0 == change.path })
            case .failure(let errors):
                issues += errors.issues.map(\.description)
            }
        }
        guard issues.isEmpty, let report else {
            let count = issues.count
            throw NodeError.user("the amendment has \(count) problem\(count == 1 ? "" : "s"):", details: issues,
                                 hint: "fix the values above and run the command again; nothing was changed")
        }
        return (report, requested)
    }

    /// Writes the difference between the stored report and `report`.
    private static func write(_ report: ReportIntake, over stored: StoredReport, requested: Set<String>,
                              id: String, tx: WriteTransaction) throws {
        let collection = FieldNode.reports
        let old = stored.flat
        let newFields = report.fields()
        let newPaths = Set(newFields.map(\.path))
        for (path, value) in newFields where old.fields[path] != value || requested.contains(path) {
            try tx.set(collection, id, path, value.storeValue)
        }
        for (path, value) in old.fields.sorted(by: { $0.key < $1.key })
        where !newPaths.contains(path) && (value != .null || requested.contains(path)) {
            try tx.set(collection, id, path, .null)
        }
        for (path, elements) in report.sets() {
            let before = Set(old.sets[path] ?? [])
            let after = Set(elements)
            for element in after.subtracting(before).sorted() { try tx.add(collection, id, path, .string(element)) }
            for element in before.subtracting(after).sorted() { try tx.remove(collection, id, path, .string(element)) }
        }
    }

    private static func vanished(_ report: StoredReport) -> NodeError {
        .user("the report \(report.ref) disappeared while it was being amended; nothing was changed",
              hint: "list the reports with: fieldnode report list")
    }
}

private extension Op {
    /// The field a set, add or remove op changes; nil for create and delete.
    var fieldName: String? {
        switch action {
        case .exist: nil
        case .set(let field, _, _, _), .add(let field, _), .remove(let field, _, _): field
        }
    }
}
