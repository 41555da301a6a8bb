import Collections
import FieldModel
import Linkage
import JSON
import SyncProtocol

/// Ops and reports for the registry tests.
enum Support {
    static let node = NodeID(bytes: [UInt8](repeating: 0xa1, count: 16))!
    static let entity = node.hex + "-0011223344556677"

    static func op(_ action: Action, in collection: String = ReportCollection.name, seq: UInt64 = 1) -> Op {
        Op(id: OpID(origin: node, seq: seq), hlc: HLC(milliseconds: 1_763_900_000_000, counter: 0),
           collection: collection, entity: entity, action: action)
    }

    static func set(_ field: String, _ value: Value, rank: UInt32 = 0, in collection: String = ReportCollection.name) -> Op {
        op(.set(field: field, value: value, rank: rank, supersedes: []), in: collection)
    }

    /// A report that uses every leaf of the contract: a range date, coordinates, premises, two
    /// victims (one with identifiers, which are dropped), an alleged person with a unit.
    static let fullReport: ReportIntake = {
        let json: JSONValue = [
            "mission": "MINUSCA", "channel": "walk_in", "receivedAt": "2026-03-01T14:05:00+01:00",
            "incident": ["dateFrom": "2026-02-20", "dateTo": "2026-02-27", "dateApproximate": true, "area": "Bambari",
                         "coordinates": ["lat": 5.7621, "lon": 20.6712], "premises": "Hotel du Lac"],
            "allegation": ["types": ["rape", "sexual_exploitation"], "narrative": "What happened."],
            "victims": [["ageBand": "15_17", "sex": "female", "identifiers": ["name": "Jane Testperson"]],
                        ["ageBand": "unknown", "sex": "unknown"]],
            "alleged": [["personnelCategory": "contractor", "nationality": "FRA", "unit": "Camp kitchen"]],
            "needs": ["legal", "shelter"],
            "consent": ["shareWithInvestigators": true, "victimAssistanceReferral": false, "followUpContact": true],
        ]
        guard case .success(let report) = Intake.validate(json, now: "2026-03-02T09:00:00Z", linkage: LinkageKey(bytes: [UInt8](repeating: 1, count: 32))) else {
            preconditionFailure("the full report no longer validates")
        }
        return report
    }()

    /// The ops a node writes for `report`, as `ReportWriter.insert` does (values as the store keeps them).
    static func ops(of report: ReportIntake) -> [Op] {
        var ops = [op(.exist(causalLength: 1))]
        for (path, value) in report.fields() { ops.append(set(path, value.storeValue)) }
        for (path, elements) in report.sets() {
            for element in elements { ops.append(op(.add(field: path, element: .string(element)))) }
        }
        ops.append(set(ReportCollection.Field.ref, .string("MINUSCA-7Q4K-2M")))
        ops.append(set(ReportCollection.Field.involvesChild, .bool(report.involvesChild)))
        ops.append(set(ReportCollection.Field.ageUndetermined, .bool(report.ageUndetermined)))
        ops.append(set(ReportCollection.Field.category, .int(Int64(report.category))))
        return ops
    }
}
