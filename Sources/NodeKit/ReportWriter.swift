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
        try create(report, store: node.store, mission: node.mission)
    }

    /// Stores a new report in `store`, a node store recording reports for `mission`, in one transaction.
    static func create(_ report: ReportIntake, store: Store, mission: String) throws -> (ref: String, id: String) {
        try checkMission(report, mission: mission)
        return try store.write { tx in try insert(report, tx: tx, owner: store.nodeID) }
    }

    /// Refuses a report for another mission than the node's.
    static func checkMission(_ report: ReportIntake, mission: String) throws {
        guard report.mission == mission else {
            throw NodeError.user("the report is for mission \(report.mission) but this node records reports for mission \(mission); nothing was saved",
                                 hint: "set \"mission\": \"\(mission)\" in the report")
        }
    }

    /// Writes a new report owned by `owner` inside `tx`: a fresh id, an unused reference code,
    /// its fields, sets and derived values.
    static func insert(_ report: ReportIntake, tx: WriteTransaction, owner: NodeID) throws -> (ref: String, id: String) {
        let collection = FieldNode.reports
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
        let id = EntityID.make(owner: owner)
        try tx.create(collection, id)
        try tx.set(collection, id, StoredReport.Field.ref, .string(ref))
        for (path, value) in report.fields() where value != .null {
            try tx.set(collection, id, path, value.storeValue)
        }
        for (path, elements) in report.sets() {
            for element in elements { try tx.add(collection, id, path, .string(element)) }
        }
        try writeDerived(report, id: id, tx: tx)
        try writeSurvivors(report, id: id, tx: tx)
        return (ref, id)
    }

    /// The survivor codes and encoding of each victim whose identifiers were given, written
    /// once at creation (an amendment never has identifiers, so never rewrites them).
    static func writeSurvivors(_ report: ReportIntake, id: String, tx: WriteTransaction) throws {
        typealias F = StoredReport.Field
        for (index, victim) in report.victims.enumerated() {
            guard let survivor = victim.survivor else { continue }
            if let code = survivor.codes.nameAndBirth { try tx.set(FieldNode.reports, id, F.victim(index, F.survivorCode), .bytes(code)) }
            if let code = survivor.codes.nameAndPhone { try tx.set(FieldNode.reports, id, F.victim(index, F.survivorPhoneCode), .bytes(code)) }
            try tx.set(FieldNode.reports, id, F.victim(index, F.survivorEncoding), .bytes(survivor.encoding.bytes))
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
