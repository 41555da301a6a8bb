import Collections
import Crypto
import FieldModel
import SyncEngine

/// Saving reports through the node's real write path from outside the `fieldnode` commands
/// (the benchmark, tools): the same code `fieldnode report add` runs, on a store the caller
/// opened (a node store; nodes open theirs with `synchronous=FULL`).
public enum NodeReports {
    /// Stores `report` in `store` in one transaction: a fresh id, an unused reference code,
    /// every field, set and derived value as ops, the sealed fields sealed to the key of
    /// `missionFile`. Refuses a report for another mission than the file's, the mission the
    /// store records reports for; nothing is saved then. Returns the reference code and the
    /// entity id.
    public static func save(_ report: ReportIntake, store: Store, missionFile: MissionFile) throws -> (ref: String, id: String) {
        try ReportWriter.create(report, store: store, missionFile: missionFile)
    }

    /// Stores every report of `reports` in ONE transaction (all or none), each exactly as
    /// `save` would (one ephemeral sealing key for the transaction); returns their reference
    /// codes and ids in order.
    public static func saveAll(_ reports: [ReportIntake], store: Store, missionFile: MissionFile) throws -> [(ref: String, id: String)] {
        for report in reports { try ReportWriter.checkMission(report, mission: missionFile.mission) }
        var sealer = try missionFile.sealer()
        return try store.write { tx in
            try reports.map { try ReportWriter.insert($0, tx: tx, owner: store.nodeID, sealer: &sealer) }
        }
    }

    /// A mission file for `mission` whose private key nobody holds, for measuring the write
    /// path (benchmarks): the reports it seals cost what real ones cost and open nowhere.
    public static func throwawayMissionFile(mission: String) -> MissionFile {
        MissionFile(mission: mission, publicKey: X25519.PrivateKey().publicKey.rawRepresentation,
                    linkageKey: SecureRandom.bytes(MissionFile.linkageKeyByteCount))
    }
}
