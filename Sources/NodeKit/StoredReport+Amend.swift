import Collections
import FieldModel
import JSON
import SyncProtocol

/// What an amendment starts from on a node that cannot read its own sealed values.
///
/// The node validates an amendment against the whole report, like intake (`ReportAmendCommand`).
/// A sealed value is unknown here, so it stands in the document as a placeholder that is valid
/// for its field (`placeholder(for:receivedDate:)`): the amendment is checked against the real
/// clear values and these stand-ins. What the node cannot check (a new `dateFrom` against a
/// sealed `dateTo`) the hub sees when it opens the report. Placeholders never reach the store:
/// a sealed field is written only when the amendment touches it (`ReportAmendCommand`).
extension StoredReport {
    /// The flat report with each sealed field and set replaced by its placeholder.
    var amendable: (fields: [String: FieldValue], sets: [String: [String]]) {
        var (fields, sets) = flat
        let receivedDate = String((receivedAt ?? "").prefix(10))
        for path in sealedFields {
            if let stand = Self.placeholder(for: path, receivedDate: receivedDate) { fields[path] = stand }
        }
        for path in sealedSets.keys {
            let values = FieldSpec.pattern(of: path).flatMap { ReportCollection.spec.field($0)?.values } ?? []
            sets[path] = values.first.map { [$0] } ?? []
        }
        return (fields, sets)
    }

    /// A value valid for the field `path` (any index), standing in for its sealed value.
    static func placeholder(for path: String, receivedDate: String) -> FieldValue? {
        guard let pattern = FieldSpec.pattern(of: path),
              let leaf = Contract.leaves.first(where: { $0.pattern == pattern }) else { return nil }
        switch leaf.type {
        case .bool: return .bool(false)
        case .double: return .double(0)
        case .stringSet: return nil
        case .string: break
        }
        if !leaf.values.isEmpty { return .string(leaf.values.contains("unknown") ? "unknown" : leaf.values[0]) }
        switch leaf.format {
        // The widest range a stored date can sit in: no placeholder bound refuses a real date.
        case "date": return .string(pattern == "incident.dateFrom" ? Intake.earliestIncidentDate.description : receivedDate)
        case "ISO 3166 alpha-3 or unknown": return .string("unknown")
        default: return .string("sealed")
        }
    }
}
