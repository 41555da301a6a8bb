import SQLite
import SyncProtocol

/// What `missionhub report list` narrows the listing to: every filter is a test on
/// `hub_report_index` columns (`ReportIndexRow`), so a filtered listing stays an index read.
/// Filters combine with AND; a filter given several values (`--type rape --type trafficking_in_persons`)
/// matches any of them.
public struct ReportFilter: Sendable, Equatable {
    /// Received at the hub on or after / on or before these days (`YYYY-MM-DD`, UTC).
    public var receivedFrom: String?
    public var receivedTo: String?
    /// The incident's dates overlap these days: a report dated D, or D1..D2, matches when some
    /// day of it lies in the range; a report without an incident date never matches.
    public var incidentFrom: String?
    public var incidentTo: String?
    /// `incident.area`, compared without regard to ASCII case.
    public var area: String?
    public var allegationTypes: [String] = []
    /// A child involved, or an age undetermined (`ChildInvolvement.isPossibleChild`).
    public var possibleChild = false
    public var personnel: [String] = []
    public var nationalities: [String] = []
    /// The laptop the report came from (its entity id begins with the node id).
    public var node: NodeID?
    /// Only reports whose urgency is high (`ReportUrgency`, tested after the index read: it
    /// depends on the hub's clock).
    public var urgentOnly = false

    public init() {}

    static let dayMilliseconds: Int64 = 86_400_000

    /// The WHERE clause and its arguments.
    var sql: (String, [DatabaseValue]) {
        var clauses: [String] = []
        var arguments: [DatabaseValue] = []
        func bind(_ value: DatabaseValue) -> String {
            arguments.append(value)
            return "?\(arguments.count)"
        }
        if let day = receivedFrom.flatMap(TimeText.milliseconds) {
            clauses.append("received_at >= \(bind(.integer(Int64(day))))")
        }
        if let day = receivedTo.flatMap(TimeText.milliseconds) {
            clauses.append("received_at < \(bind(.integer(Int64(day) + Self.dayMilliseconds)))")
        }
        if let incidentFrom { clauses.append("incident_to >= \(bind(.text(incidentFrom)))") }
        if let incidentTo { clauses.append("incident_from <= \(bind(.text(incidentTo)))") }
        if let area { clauses.append("area = \(bind(.text(area))) COLLATE NOCASE") }
        for (column, values) in [("allegation_types", allegationTypes), ("personnel", personnel), ("nationalities", nationalities)]
        where !values.isEmpty {
            clauses.append("(" + values.map { "instr(\(column), \(bind(.text(" \($0) ")))) > 0" }.joined(separator: " OR ") + ")")
        }
        if possibleChild { clauses.append("(involves_child = 1 OR age_undetermined = 1)") }
        if let node {
            // Entity ids are `<node hex>-<16 hex>`: one range of the primary key.
            clauses.append("entity > \(bind(.text(node.hex + "-"))) AND entity < \(bind(.text(node.hex + ".")))")
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    /// The filters for the audit log (`AuditLog` rule 4): names and values, the free-text
    /// area without its text.
    var auditTarget: [String: String] {
        var target: [String: String] = [:]
        target["receivedFrom"] = receivedFrom
        target["receivedTo"] = receivedTo
        target["incidentFrom"] = incidentFrom
        target["incidentTo"] = incidentTo
        if area != nil { target["area"] = "(given)" }
        if !allegationTypes.isEmpty { target["type"] = allegationTypes.joined(separator: ",") }
        if possibleChild { target["child"] = "yes" }
        if !personnel.isEmpty { target["personnel"] = personnel.joined(separator: ",") }
        if !nationalities.isEmpty { target["nationality"] = nationalities.joined(separator: ",") }
        target["node"] = node?.hex
        if urgentOnly { target["urgent"] = "yes" }
        return target
    }
}
