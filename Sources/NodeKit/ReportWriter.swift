import Collections
import FieldModel
import SyncEngine
import SyncProtocol

/// Writes reports through the store's single write path (`Store.write`): each call is one
/// transaction, so a report is stored whole or not at all.
///
/// Every field the registry marks sealed (`FieldSpec.sealed`, sync-v1.md §19.3) is sealed to
/// the mission file's key before it reaches the store, with one `ValueSealer` (one ephemeral
/// key) per transaction: the clear value is never written, not even to the write-ahead log.
enum ReportWriter {
    /// How many reference codes to draw before giving up (a clash is ~1 in 33 million per try).
    static let maxReferenceAttempts = 16

    /// Stores a new report with a fresh id and reference code; returns both.
    static func create(_ report: ReportIntake, in node: FieldNode) throws -> (ref: String, id: String) {
        try create(report, store: node.store, missionFile: try node.requireMissionFile())
    }

    /// Stores a new report in `store`, a node store recording reports for the mission of
    /// `missionFile`, in one transaction, sealed to its key.
    static func create(_ report: ReportIntake, store: Store, missionFile: MissionFile) throws -> (ref: String, id: String) {
        try checkMission(report, mission: missionFile.mission)
        var sealer = try missionFile.sealer()
        return try store.write { tx in try insert(report, tx: tx, owner: store.nodeID, sealer: &sealer) }
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
    static func insert(_ report: ReportIntake, tx: WriteTransaction, owner: NodeID,
                       sealer: inout ValueSealer) throws -> (ref: String, id: String) {
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
            try tx.set(collection, id, path, try stored(value.storeValue, id: id, path: path, sealer: &sealer))
        }
        for (path, elements) in report.sets() {
            for element in elements { try tx.add(collection, id, path, try stored(.string(element), id: id, path: path, sealer: &sealer)) }
        }
        try writeDerived(report, id: id, tx: tx)
        try writeSurvivors(report, id: id, tx: tx, sealer: &sealer)
        return (ref, id)
    }

    /// The survivor codes and encoding of each victim whose identifiers were given, written
    /// once at creation (an amendment never has identifiers, so never rewrites them).
    static func writeSurvivors(_ report: ReportIntake, id: String, tx: WriteTransaction, sealer: inout ValueSealer) throws {
        typealias F = StoredReport.Field
        for (index, victim) in report.victims.enumerated() {
            guard let survivor = victim.survivor else { continue }
            var values: [(String, [UInt8])] = []
            if let code = survivor.codes.nameAndBirth { values.append((F.victim(index, F.survivorCode), code)) }
            if let code = survivor.codes.nameAndPhone { values.append((F.victim(index, F.survivorPhoneCode), code)) }
            values.append((F.victim(index, F.survivorEncoding), survivor.encoding.bytes))
            for (path, bytes) in values {
                try tx.set(FieldNode.reports, id, path, try stored(.bytes(bytes), id: id, path: path, sealer: &sealer))
            }
        }
    }

    /// The value the store keeps for `path`: sealed when the registry says so, else `value`.
    static func stored(_ value: Value, id: String, path: String, sealer: inout ValueSealer) throws -> Value {
        guard ReportCollection.isSealed(path) else { return value }
        return try sealer.seal(value, entity: id, field: path)
    }

    /// Sets the derived values (no op is recorded for a value that does not change).
    static func writeDerived(_ report: ReportIntake, id: String, tx: WriteTransaction) throws {
        try writeDerived(DerivedFlags(involvesChild: report.involvesChild, ageUndetermined: report.ageUndetermined,
                                      category: report.category), id: id, tx: tx)
    }

    /// Sets the derived values that are known (nil: left as stored).
    static func writeDerived(_ flags: DerivedFlags, id: String, tx: WriteTransaction) throws {
        let collection = FieldNode.reports
        if let child = flags.involvesChild { try tx.set(collection, id, StoredReport.Field.involvesChild, .bool(child)) }
        if let undetermined = flags.ageUndetermined { try tx.set(collection, id, StoredReport.Field.ageUndetermined, .bool(undetermined)) }
        if let category = flags.category { try tx.set(collection, id, StoredReport.Field.category, .int(Int64(category))) }
    }
}
