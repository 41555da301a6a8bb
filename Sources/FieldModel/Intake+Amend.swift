import JSON

/// What `report amend --set PATH=VALUE` will write: the field changes, already validated as a
/// whole report exactly like intake, so an amendment can never store what intake would refuse.
public struct Amendment: Sendable {
    /// The path as the operator gave it.
    public let path: String
    /// Scalar fields to write, the requested one first; `.null` clears a field. Also carries
    /// implied changes: setting `incident.date` clears `dateFrom`/`dateTo` (and the reverse),
    /// a new `victims[n]` gets `unknown` for its other required fields, coordinates are
    /// written coarsened.
    public let fields: [(path: String, value: FieldValue)]
    /// Sets to write, whole: `allegation.types` or `needs`.
    public let sets: [(path: String, elements: [String])]
    /// The amended report as intake would accept it.
    public let report: ReportIntake
}

extension Intake {
    /// The paths `validateAmendment` accepts (`[]` stands for an index).
    public static let amendablePaths = AmendKind.table.map(\.pattern)

    /// Applies `PATH=VALUE` to `current` (a stored report, `ReportIntake.toJSON()` form) and
    /// validates the result like intake. The value is read by the type the path expects:
    /// booleans from `true`/`false`/`yes`/`no`; numbers as decimals; sets as a comma list;
    /// `incident.date` as `YYYY-MM-DD`, `YYYY-MM-DD..YYYY-MM-DD` or `unknown`;
    /// `incident.coordinates` as `LAT,LON`; an empty value clears an optional field.
    /// `victims[n]` / `alleged[n]` with `n` equal to the current count adds one.
    public static func validateAmendment(current: JSONValue, path: String,
                                         rawValue: String) -> Result<Amendment, ValidationErrors> {
        let before = ReportDocument.flatten(current)
        var fields = Dictionary(before.fields.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        var sets = Dictionary(before.sets.map { ($0.path, $0.elements) }, uniquingKeysWith: { a, _ in a })
        let fail = { (code: ValidationIssue.Code, message: String) -> Result<Amendment, ValidationErrors> in
            .failure(ValidationErrors([ValidationIssue(code, path: path, message)]))
        }
        guard let parsed = FieldPath(parsing: path),
              let kind = AmendKind.table.first(where: { $0.pattern == parsed.pattern })?.kind else {
            if path.contains("identifiers") {
                return fail(.unknownPath, "identifiers are never stored, so they cannot be amended")
            }
            return fail(.unknownPath, "not a field that can be amended; use one of "
                        + amendablePaths.joined(separator: ", "))
        }
        if parsed.segments.count > 1, case .key(let list) = parsed.segments[0], case .index(let index) = parsed.segments[1] {
            let count = entryCount(list, in: fields)
            if index > count {
                return fail(.outOfRange, "\(list) has \(count) entries; to add one use \(list)[\(count)]")
            }
            if index == count {
                for (field, value) in AmendKind.newEntryDefaults[list] ?? [] { fields["\(list)[\(index)].\(field)"] = value }
            }
        }
        if let issue = kind.apply(rawValue, at: path, to: &fields, sets: &sets) {
            return .failure(ValidationErrors([issue]))
        }
        let document = ReportDocument.assemble(fields: fields, sets: sets)
        let now = current["receivedAt"]?.stringValue ?? ""
        // A stored document has no identifiers: no key is needed.
        switch validate(document, now: now, linkage: nil) {
        case .failure(let errors):
            return .failure(errors)
        case .success(let report):
            return .success(changes(from: before, to: report, requested: path, scalar: kind.isScalar))
        }
    }

    /// The fields and sets that differ between the stored document and the amended report,
    /// the requested path first, cleared fields as `.null`.
    private static func changes(
        from before: (fields: [(path: String, value: FieldValue)], sets: [(path: String, elements: [String])]),
        to report: ReportIntake, requested: String, scalar: Bool
    ) -> Amendment {
        let oldFields = Dictionary(before.fields.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        let oldSets = Dictionary(before.sets.map { ($0.path, $0.elements) }, uniquingKeysWith: { a, _ in a })
        let newFields = report.fields()
        let newPaths = Set(newFields.map(\.path))
        var changed = newFields.filter { $0.path == requested || oldFields[$0.path] != $0.value }
        changed += before.fields.filter { !newPaths.contains($0.path) && $0.value != .null }.map { ($0.path, FieldValue.null) }
        if scalar, !changed.contains(where: { $0.path == requested }) { changed.append((requested, .null)) }
        let fields = changed.filter { $0.path == requested } + changed.filter { $0.path != requested }
        let sets = report.sets().filter { $0.path == requested || oldSets[$0.path] != $0.elements }
        return Amendment(path: requested, fields: fields, sets: sets, report: report)
    }

    /// How many entries the list `victims` or `alleged` has in a flat document (highest index + 1).
    private static func entryCount(_ list: String, in fields: [String: FieldValue]) -> Int {
        let indices = fields.keys.compactMap { key -> Int? in
            guard let path = FieldPath(parsing: key), path.segments.count > 1, path.segments[0] == .key(list),
                  case .index(let index) = path.segments[1] else { return nil }
            return index
        }
        return (indices.max() ?? -1) + 1
    }
}
