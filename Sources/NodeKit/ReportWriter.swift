import FieldModel
import SyncEngine
import SyncProtocol

/// Writes reports through the store's single write path (`Store.write`): each call is one
/// transaction, so a report is stored whole or not at all.
enum ReportWriter {
    /// How many reference codes to draw before giving up (a clash is ~1 in 33 million per try).
    static let maxReferenceAttempts = 16

    /// Stores a new report with a fresh id and reference code; returns both.
    static func create(_ report: ReportIntake, in node: FieldNode) throws -> (ref: String, id: String) {
        guard report.mission == node.mission else {
            throw NodeError.user("the report is for mission \(report.mission) but this node records reports for mission \(node.mission); nothing was saved",
                                 hint: "set \"mission\": \"\(node.mission)\" in the report")
        }
        let collection = FieldNode.reports
        return try node.store.write { tx in
            var generator = SystemRandomNumberGenerator()
            var ref: String?
            for _ in 0..<maxReferenceAttempts {
                let candidate = ReferenceCode.generate(mission: report.mission, using: &generator).description
                if try tx.entity(collection: collection, ref: candidate) == nil {
                    ref = candidate
                    break
                }
            }
            guard let ref else {
                throw NodeError.internal("could not find an unused reference code after \(maxReferenceAttempts) tries")
            }
            let id = EntityID.make(owner: node.store.nodeID)
            try tx.create(collection, id)
            try tx.set(collection, id, StoredReport.Field.ref, .string(ref))
            for (path, value) in report.fields() where value != .null {
                try tx.set(collection, id, path, value.storeValue)
            }
            for (path, elements) in report.sets() {
                for element in elements { try tx.add(collection, id, path, .string(element)) }
            }
            try writeDerived(report, id: id, tx: tx)
            return (ref, id)
        }
    }

    /// Sets the derived values (no op is recorded for a value that does not change).
    static func writeDerived(_ report: ReportIntake, id: String, tx: WriteTransaction) throws {
        let collection = FieldNode.reports
        try tx.set(collection, id, StoredReport.Field.involvesChild, .bool(report.involvesChild))
        try tx.set(collection, id, StoredReport.Field.ageUndetermined, .bool(report.ageUndetermined))
        try tx.set(collection, id, StoredReport.Field.category, .int(Int64(report.category)))
    }
}
