import Collections
import FieldModel
import JSON
import SyncEngine
import SyncProtocol

/// A report as this node holds it, read back from its merged document (the entity in
/// collection `report`, see the engine brief): the intake fields, its reference, the derived
/// values, what the hub wrote back, and any conflicts.
struct StoredReport {
    /// One register with concurrent writes: the value kept and the ones it beat.
    struct Conflict {
        let field: String
        let winner: Value
        let losers: [Value]
    }

    /// The top-level keys of the intake contract, in contract order; fields under any other
    /// key (`ref`, `derived.*`, `hub.*`, whatever the hub adds later) are not part of the report.
    static let intakeKeyOrder = Contract.rootFields
    static let intakeKeys = Set(intakeKeyOrder)

    /// A report's fields and sets as `path  value` lines for display, in contract order
    /// (set elements joined with commas).
    static func displayLines(_ report: JSONValue) -> [(String, String)] {
        let flat = ReportDocument.flatten(report)
        let lines = flat.fields.map { ($0.path, $0.value.description) }
            + flat.sets.map { ($0.path, $0.elements.isEmpty ? "(none)" : $0.elements.joined(separator: ", ")) }
        func rank(_ path: String) -> Int {
            intakeKeyOrder.firstIndex(of: String(path.prefix { $0 != "." && $0 != "[" })) ?? intakeKeyOrder.count
        }
        return lines.enumerated().sorted { a, b in
            let (ra, rb) = (rank(a.element.0), rank(b.element.0))
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    /// Field names the node writes next to the intake fields, and the hub's (the registry's).
    typealias Field = ReportCollection.Field

    let document: Document

    init(_ document: Document) {
        self.document = document
    }

    var id: String { document.entity }
    var ref: String { document.string(Field.ref) ?? "" }

    /// What `report show` and `list` print for a sealed value: the node cannot open it.
    static let sealedMark = "(sealed)"

    /// The intake fields and sets in the flat form `ReportDocument.assemble` takes; sealed
    /// values are left out (see `sealedFields`, `sealedSets`).
    var flat: (fields: [String: FieldValue], sets: [String: [String]]) {
        var fields: [String: FieldValue] = [:]
        for (path, state) in document.fields where Self.isIntake(path) {
            if let value = FieldValue(state.value) { fields[path] = value }
        }
        var sets: [String: [String]] = [:]
        for (path, elements) in document.sets where Self.isIntake(path) {
            sets[path] = elements.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }
        return (fields, sets)
    }

    /// The intake fields whose value is sealed (the node holds only ciphertext).
    var sealedFields: Set<String> {
        Set(document.fields.filter { Self.isIntake($0.key) && $0.value.value.isSealed }.map(\.key))
    }

    /// The intake sets with sealed elements, with the elements as stored (to remove them).
    var sealedSets: [String: [Value]] {
        document.sets.filter { Self.isIntake($0.key) && $0.value.contains(where: \.isSealed) }
    }

    /// The report as the intake contract describes it (coordinates coarsened, no identifiers),
    /// every sealed value shown as `(sealed)`: what `report show` prints.
    var assembled: JSONValue {
        var (fields, sets) = flat
        for path in sealedFields { fields[path] = .string(Self.sealedMark) }
        for path in sealedSets.keys { sets[path] = [Self.sealedMark] }
        return ReportDocument.assemble(fields: fields, sets: sets)
    }

    /// The sealed fields and sets, sorted: what `report show --json` lists under `sealed`.
    var sealedPaths: [String] { (sealedFields.union(sealedSets.keys)).sorted() }

    /// True when any intake value of the report is sealed.
    var hasSealedValues: Bool { !sealedFields.isEmpty || !sealedSets.isEmpty }

    var receivedAt: String? { document.string("receivedAt") }
    var channel: String? { document.string("channel") }
    var area: String? { document.value("incident.area")?.isSealed == true ? Self.sealedMark : document.string("incident.area") }
    var category: Int64? { if case .int(let n)? = document.value(Field.category) { n } else { nil } }
    var involvesChild: Bool? { bool(Field.involvesChild) }
    var ageUndetermined: Bool? { bool(Field.ageUndetermined) }

    /// When the hub first stored this report (milliseconds since the epoch), once that has
    /// flowed back to this node.
    var hubReceivedAt: UInt64? {
        if case .int(let ms)? = document.value(Field.hubReceivedAt), ms >= 0 { return UInt64(ms) }
        return nil
    }

    /// Every register with concurrent writes, by field name.
    var conflicts: [Conflict] {
        document.fields.filter { !$0.value.conflicts.isEmpty }.sorted { $0.key < $1.key }.map { field, state in
            Conflict(field: field, winner: state.value, losers: state.conflicts.map(\.value))
        }
    }

    private func bool(_ field: String) -> Bool? {
        if case .bool(let b)? = document.value(field) { b } else { nil }
    }

    private static func isIntake(_ path: String) -> Bool {
        let key = path.prefix { $0 != "." && $0 != "[" }
        return intakeKeys.contains(String(key))
    }
}

extension Value {
    /// The value as JSON, for `--json` output (bytes and sealed values as a placeholder: they
    /// are never shown).
    var json: JSONValue {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let n): .int(n)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .bytes: .string("(bytes)")
        case .sealed: .string("(sealed)")
        }
    }

    /// The value for a text listing: strings quoted, others as written in JSON.
    var display: String { JSON.encode(json) }

    /// True for a sealed value (tag 0x07).
    var isSealed: Bool {
        if case .sealed = self { return true }
        return false
    }
}
