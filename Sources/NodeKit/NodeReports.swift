import FieldModel
import SyncEngine

/// Saving reports through the node's real write path from outside the `fieldnode` commands
/// (the benchmark, tools): the same code `fieldnode report add` runs, on a store the caller
/// opened (a node store; nodes open theirs with `synchronous=FULL`).
public enum NodeReports {
    /// Stores `report` in `store` in one transaction: a fresh id, an unused reference code,
    /// every field, set and derived value as ops. Refuses a report for another mission than
    /// `mission`, the mission the store records reports for; nothing is saved then.
    /// Returns the reference code and the entity id.
    public static func save(_ report: ReportIntake, store: Store, mission: String) throws -> (ref: String, id: String) {
        try ReportWriter.create(report, store: store, mission: mission)
    }

    /// Stores every report of `reports` in ONE transaction (all or none), each exactly as
    /// `save` would; returns their reference codes and ids in order.
    public static func saveAll(_ reports: [ReportIntake], store: Store, mission: String) throws -> [(ref: String, id: String)] {
        for report in reports { try ReportWriter.checkMission(report, mission: mission) }
        return try store.write { tx in
            try reports.map { try ReportWriter.insert($0, tx: tx, owner: store.nodeID) }
        }
    }
}
