import JSON

/// The shape of the intake contract in one place: which fields each object allows, in
/// contract order, and the limits. Validation, the canonical JSON, the per-field paths and the
/// JSON Schema (`Protocols/report-intake.schema.json`, kept in step by the fixture tests) all
/// follow these lists.
public enum Contract {
    /// The report's top-level fields, in contract order (also how reports are shown).
    public static let rootFields = ["mission", "channel", "receivedAt", "incident", "allegation",
                             "victims", "alleged", "needs", "consent"]
    static let incidentFields = ["date", "dateFrom", "dateTo", "dateApproximate", "area",
                                 "coordinates", "premises"]
    static let coordinatesFields = ["lat", "lon"]
    static let allegationFields = ["types", "narrative"]
    static let victimFields = ["ageBand", "sex", "identifiers"]
    static let identifierFields = ["name", "phone", "dateOfBirth"]
    static let allegedFields = ["personnelCategory", "nationality", "unit"]
    static let consentFields = ["shareWithInvestigators", "victimAssistanceReferral", "followUpContact"]

    /// The paths whose value is a set of wire strings (stored as add/remove set ops).
    static let setPaths = ["allegation.types", "needs"]
    /// The paths whose value is an array of objects (victims, alleged persons).
    static let listPaths = ["victims", "alleged"]

    /// The field order of the object at a path (array indices removed), for canonical output.
    static func fieldOrder(ofObjectAt path: String) -> [String]? {
        switch path {
        case "": return rootFields
        case "incident": return incidentFields
        case "incident.coordinates": return coordinatesFields
        case "allegation": return allegationFields
        case "victims[]": return victimFields
        case "victims[].identifiers": return identifierFields
        case "alleged[]": return allegedFields
        case "consent": return consentFields
        default: return nil
        }
    }
}

extension Intake {
    /// Largest accepted input, in bytes (1 MiB).
    public static let maxBytes = 1_048_576
    /// Longest narrative, in characters (Unicode scalars, as JSON Schema counts).
    public static let maxNarrativeLength = 20_000
    /// Longest area, premises, unit or identifier text, in characters.
    public static let maxShortTextLength = 200
    /// Most victims, and most alleged persons, in one report.
    public static let maxPeople = 50
    /// Most issues reported in one pass; the rest are summarised in one last issue.
    public static let maxIssues = 100
    /// Earliest accepted incident date: the first UN peacekeeping mission (UNTSO, 1948).
    public static let earliestIncidentDate = CalendarDate(year: 1948, month: 1, day: 1)!
    /// Earliest accepted `receivedAt` date.
    public static let earliestReceivedDate = CalendarDate(year: 1990, month: 1, day: 1)!
    /// How many days an incident date may fall after `receivedAt`'s own date (time zones).
    public static let incidentDateSlackDays = 1

    /// True for a mission code: `^[A-Z][A-Z0-9]{1,15}$`.
    public static func isMissionCode(_ text: String) -> Bool {
        var text = text  // withUTF8 needs a var; no copy for native strings
        return text.withUTF8 { bytes in
            guard (2...16).contains(bytes.count), isUpper(bytes[0]) else { return false }
            for i in 1..<bytes.count where !isUpper(bytes[i]) && !(bytes[i] >= 0x30 && bytes[i] <= 0x39) { return false }
            return true
        }
    }

    /// True for a nationality value: three capital letters (`^[A-Z]{3}$`) or `unknown`
    /// (matched by bytes: the text is untrusted).
    public static func isNationality(_ text: String) -> Bool {
        text.utf8Equals("unknown") || (text.utf8.count == 3 && text.utf8.allSatisfy(isUpper))
    }

    private static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
}
