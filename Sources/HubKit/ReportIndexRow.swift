import Collections
import SyncProtocol

/// One row of `hub_report_index`, computed from a report's field values by one function
/// (`init(entity:causalLength:fields:)`) — the observer, the migration that fills the index and
/// the tests all call it, so the index cannot disagree with what the state says. When fields
/// arrive sealed, the caller opens them and passes the opened values here.
///
/// Lists (`allegation.types`, `needs`, every `alleged[i].personnelCategory` and
/// `alleged[i].nationality`) are stored as text, elements sorted, each with a space before and
/// after (` rape sexual_abuse `), so a filter is one `instr(column, ' x ') > 0`; an element
/// holding a space is left out (the contract's values have none).
public struct ReportIndexRow: Sendable, Equatable {
    public let entity: String
    public let causalLength: UInt64
    public let ref: String?
    public let receivedAt: Int64?
    public let category: Int64?
    public let involvesChild: Bool?
    public let ageUndetermined: Bool?
    /// The incident's first and last possible day (`incident.date`, or `dateFrom`/`dateTo`).
    public let incidentFrom: String?
    public let incidentTo: String?
    public let area: String?
    public let allegationTypes: String
    public let needs: String
    public let personnel: String
    public let nationalities: String
    /// Urgency's facts (`ReportUrgency.Facts`) as the listing reads them, so that a line needs
    /// only the listing index (a covering index: no lookup into the wide table per row).
    public let urgentMedicalNeeds: Bool
    public let assaultLastDay: String?

    /// A report's values: each register's winning value, each set's elements.
    public struct Fields: Sendable {
        public var registers: [String: Value]
        public var sets: [String: [Value]]

        public init(registers: [String: Value] = [:], sets: [String: [Value]] = [:]) {
            self.registers = registers
            self.sets = sets
        }
    }

    typealias Field = ReportCollection.Field
    static let registerFields: Set<String> = [Field.ref, Field.hubReceivedAt, Field.category, Field.involvesChild,
                                              Field.ageUndetermined, "incident.date", "incident.dateFrom", "incident.dateTo",
                                              "incident.area"]
    static let setFields: Set<String> = ["allegation.types", "needs"]
    static let allegedSuffixes = [".personnelCategory", ".nationality"]

    /// True for a field whose change can change the row.
    static func isIndexed(_ field: String) -> Bool {
        registerFields.contains(field) || setFields.contains(field)
            || (field.hasPrefix("alleged[") && allegedSuffixes.contains { field.hasSuffix($0) })
    }

    /// The row of one report (the one function).
    public init(entity: String, causalLength: UInt64, fields: Fields) {
        func string(_ name: String) -> String? { if case .string(let s)? = fields.registers[name] { s } else { nil } }
        func int(_ name: String) -> Int64? { if case .int(let i)? = fields.registers[name] { i } else { nil } }
        func bool(_ name: String) -> Bool? { if case .bool(let b)? = fields.registers[name] { b } else { nil } }
        func list(_ values: [Value]) -> String {
            let words = Set(values.compactMap { if case .string(let s) = $0, !s.isEmpty, !s.contains(" ") { s } else { nil } })
            return " " + words.sorted().map { $0 + " " }.joined()
        }
        func alleged(_ suffix: String) -> [Value] {
            fields.registers.compactMap { $0.key.hasPrefix("alleged[") && $0.key.hasSuffix(suffix) ? $0.value : nil }
        }
        self.entity = entity
        self.causalLength = causalLength
        ref = string(Field.ref)
        receivedAt = int(Field.hubReceivedAt)
        category = int(Field.category)
        involvesChild = bool(Field.involvesChild)
        ageUndetermined = bool(Field.ageUndetermined)
        incidentFrom = string("incident.date") ?? string("incident.dateFrom")
        incidentTo = string("incident.date") ?? string("incident.dateTo")
        area = string("incident.area")
        allegationTypes = list(fields.sets["allegation.types"] ?? [])
        needs = list(fields.sets["needs"] ?? [])
        personnel = list(alleged(".personnelCategory"))
        nationalities = list(alleged(".nationality"))
        let words = { (list: String) in Set(list.split(separator: " ").map(String.init)) }
        let facts = ReportUrgency.Facts(child: nil, needs: words(needs), allegationTypes: words(allegationTypes), incidentLastDay: incidentTo)
        urgentMedicalNeeds = facts.urgentMedicalNeeds
        assaultLastDay = facts.assaultLastDay
    }

    /// The column names, in the order `ReportIndex` binds them.
    static let columns = ["entity", "causal_length", "ref", "received_at", "category", "involves_child", "age_undetermined",
                          "incident_from", "incident_to", "area", "allegation_types", "needs", "personnel", "nationalities", "urgent_medical", "assault_day"]
}
