/// How `report amend --set PATH=VALUE` reads VALUE for each amendable path, and how it
/// changes the flat document. The result is validated as a whole report afterwards, so this
/// only turns text into the JSON type the path expects.
enum AmendKind: Sendable {
    /// Any string; enumerations, codes and dates are checked by validation.
    case text
    /// A string that an empty value clears.
    case optionalText
    case bool
    case number
    /// A comma-separated list, whole.
    case set
    /// `YYYY-MM-DD`, `YYYY-MM-DD..YYYY-MM-DD` or `unknown`/empty; sets date, dateFrom and dateTo together.
    case incidentDate
    /// `LAT,LON`, or empty to remove.
    case coordinates

    static let table: [(pattern: String, kind: AmendKind)] = [
        ("mission", .text), ("channel", .text), ("receivedAt", .text),
        ("incident.date", .incidentDate), ("incident.dateFrom", .optionalText), ("incident.dateTo", .optionalText),
        ("incident.dateApproximate", .bool), ("incident.area", .text),
        ("incident.coordinates", .coordinates), ("incident.coordinates.lat", .number),
        ("incident.coordinates.lon", .number), ("incident.premises", .optionalText),
        ("allegation.types", .set), ("allegation.narrative", .text),
        ("victims[].ageBand", .text), ("victims[].sex", .text),
        ("alleged[].personnelCategory", .text), ("alleged[].nationality", .text), ("alleged[].unit", .optionalText),
        ("needs", .set),
        ("consent.shareWithInvestigators", .bool), ("consent.victimAssistanceReferral", .bool),
        ("consent.followUpContact", .bool),
    ]

    /// True when the path names one scalar field (not a set, not a compound of several fields).
    var isScalar: Bool {
        switch self {
        case .set, .coordinates: return false
        default: return true
        }
    }

    /// The required fields a new list entry starts with.
    static let newEntryDefaults: [String: [(String, FieldValue)]] = [
        "victims": [("ageBand", .string("unknown")), ("sex", .string("unknown"))],
        "alleged": [("personnelCategory", .string("unknown")), ("nationality", .string("unknown"))],
    ]

    /// Writes `raw` at `path` into the flat document; returns why it cannot be read, if so.
    func apply(_ raw: String, at path: String, to fields: inout [String: FieldValue],
               sets: inout [String: [String]]) -> ValidationIssue? {
        let value = raw.trimmingSpaces
        switch self {
        case .text:
            fields[path] = .string(raw)
        case .optionalText:
            fields[path] = value.isEmpty ? .null : .string(raw)
        case .bool:
            switch value.lowercased() {
            case "true", "yes": fields[path] = .bool(true)
            case "false", "no": fields[path] = .bool(false)
            default:
                return ValidationIssue(.wrongType, path: path, "\(quoted(raw)) is not a boolean; use true, false, yes or no")
            }
        case .number:
            guard let number = Self.decimal(value) else { return Self.notANumber(raw, path) }
            fields[path] = .double(number)
        case .set:
            sets[path] = raw.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        case .incidentDate:
            for key in ["incident.date", "incident.dateFrom", "incident.dateTo"] { fields[key] = nil }
            if value.isEmpty || value == "unknown" { break }
            let parts = value.split(separator: "..", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 {
                fields["incident.dateFrom"] = .string(parts[0].trimmingSpaces)
                fields["incident.dateTo"] = .string(parts[1].trimmingSpaces)
            } else {
                fields["incident.date"] = .string(value)
            }
        case .coordinates:
            fields["incident.coordinates.lat"] = nil
            fields["incident.coordinates.lon"] = nil
            if value.isEmpty { break }
            let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard parts.count == 2, let lat = Self.decimal(parts[0]), let lon = Self.decimal(parts[1]) else {
                return ValidationIssue(.badFormat, path: path, "\(quoted(raw)) is not LAT,LON; give two decimals, e.g. 4.36,18.56")
            }
            fields["incident.coordinates.lat"] = .double(lat)
            fields["incident.coordinates.lon"] = .double(lon)
        }
        return nil
    }

    /// A finite decimal number: optional sign, digits, optional fraction and exponent.
    static func decimal(_ text: String) -> Double? {
        let allowed = Set("0123456789+-.eE")
        guard !text.isEmpty, text.allSatisfy(allowed.contains), let number = Double(text), number.isFinite else { return nil }
        return number
    }

    static func notANumber(_ raw: String, _ path: String) -> ValidationIssue {
        ValidationIssue(.wrongType, path: path, "\(quoted(raw)) is not a number; give degrees as a decimal, e.g. 4.36")
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
