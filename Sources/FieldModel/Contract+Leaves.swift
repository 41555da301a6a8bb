/// The stored leaves of the intake contract: every path a validated report is flattened to
/// (`ReportDocument.flatten`), with the JSON type its value has. The collection registry
/// (`Collections.ReportCollection`) and the spec's application section (sync-v1.md §19) read
/// this table; nothing else spells the intake paths again.
///
/// Invariants:
/// 1. Generated from `Contract`'s field lists, in contract order; a leaf's pattern writes every
///    array index as `[]` (`victims[].ageBand`).
/// 2. Paths never stored (`victims[].identifiers`, read once and dropped) are not leaves.
/// 3. `ReportIntake.fields()` and `sets()` of any report give only paths whose pattern is a
///    leaf, with a value of that leaf's type (checked by the registry tests); the JSON Schema
///    gives the same types (checked by the fixture tests).
public struct ContractLeaf: Sendable, Hashable {
    /// The JSON type of a stored leaf.
    public enum ValueType: String, Sendable, Hashable {
        /// A JSON string (also dates, timestamps and closed vocabularies).
        case string
        case bool
        /// A JSON number with a fraction (coordinates, coarsened).
        case double
        /// A JSON array of distinct strings, stored as a set.
        case stringSet
    }

    /// The path with array indices written `[]`, e.g. `victims[].sex`.
    public let pattern: String
    public let type: ValueType
    /// The closed vocabulary of a string or set leaf in contract order; empty when open.
    public let values: [String]
    /// What the string holds when it has a fixed format (`date`, `timestamp`, …); nil otherwise.
    public let format: String?
}

extension Contract {
    /// Every stored leaf, in contract order (invariant 1).
    public static let leaves: [ContractLeaf] = {
        var out: [ContractLeaf] = []
        func walk(_ pattern: String) {
            guard !neverStored.contains(pattern) else { return }
            if let fields = fieldOrder(ofObjectAt: pattern) {
                for key in fields { walk(IntakeValidator.join(pattern, key)) }
            } else if listPaths.contains(pattern) {
                walk(pattern + "[]")
            } else if setPaths.contains(pattern) {
                out.append(ContractLeaf(pattern: pattern, type: .stringSet, values: vocabularies[pattern] ?? [], format: nil))
            } else {
                out.append(ContractLeaf(pattern: pattern, type: leafTypes[pattern] ?? .string,
                                        values: vocabularies[pattern] ?? [], format: formats[pattern]))
            }
        }
        walk("")
        return out
    }()

    /// Objects accepted on input and dropped during validation (`ReportIntake` invariant 2).
    static let neverStored: Set<String> = ["victims[].identifiers"]

    /// The leaves that are not strings (sets are `setPaths`).
    private static let leafTypes: [String: ContractLeaf.ValueType] = [
        "incident.dateApproximate": .bool,
        "incident.coordinates.lat": .double, "incident.coordinates.lon": .double,
        "consent.shareWithInvestigators": .bool, "consent.victimAssistanceReferral": .bool,
        "consent.followUpContact": .bool,
    ]

    /// The closed vocabularies, from the wire enums.
    private static let vocabularies: [String: [String]] = [
        "channel": Channel.allCases.map(\.rawValue),
        "allegation.types": AllegationType.allCases.map(\.rawValue),
        "victims[].ageBand": AgeBand.allCases.map(\.rawValue),
        "victims[].sex": Sex.allCases.map(\.rawValue),
        "alleged[].personnelCategory": PersonnelCategory.allCases.map(\.rawValue),
        "needs": Need.allCases.map(\.rawValue),
    ]

    /// The fixed formats of string leaves.
    private static let formats: [String: String] = [
        "mission": "mission code",
        "receivedAt": "RFC 3339 timestamp",
        "incident.date": "date", "incident.dateFrom": "date", "incident.dateTo": "date",
        "alleged[].nationality": "ISO 3166 alpha-3 or unknown",
    ]
}
