import JSON

/// The bridge between a report's nested JSON and the flat per-field form the store merges.
///
/// Invariants:
/// 1. Scalar leaves become `(path, FieldValue)`; the arrays at `allegation.types` and `needs`
///    become `(path, elements)`; arrays of objects become indexed paths (`victims[0].sex`).
/// 2. `assemble(flatten(x))` equals `x` for every canonical report (`ReportIntake.toJSON()`):
///    keys come back in contract order, set elements sorted, `victims` and `alleged` present.
/// 3. `assemble` leaves out `null` fields: null means "not set".
public enum ReportDocument {
    /// The flat form of a report document, in document order.
    public static func flatten(_ json: JSONValue)
        -> (fields: [(path: String, value: FieldValue)], sets: [(path: String, elements: [String])]) {
        var fields: [(path: String, value: FieldValue)] = []
        var sets: [(path: String, elements: [String])] = []
        func walk(_ value: JSONValue, _ path: String, _ pattern: String) {
            switch value {
            case .object(let object):
                for (key, member) in object {
                    walk(member, IntakeValidator.join(path, key), IntakeValidator.join(pattern, key))
                }
            case .array(let items) where Contract.setPaths.contains(pattern):
                sets.append((path, items.compactMap(\.stringValue)))
            case .array(let items):
                for (index, item) in items.enumerated() { walk(item, "\(path)[\(index)]", pattern + "[]") }
            default:
                if let scalar = FieldValue(json: value) { fields.append((path, scalar)) }
            }
        }
        walk(json, "", "")
        return (fields, sets)
    }

    /// Rebuilds the nested report from per-field values and sets (used to show a stored
    /// report and to check an amendment). Paths that break the path grammar are left out.
    public static func assemble(fields: [String: FieldValue], sets: [String: [String]]) -> JSONValue {
        var root = Node.object([:])
        for (text, value) in fields where value != .null {
            if let path = FieldPath(parsing: text) { root.insert(value.json, at: path.segments[...]) }
        }
        for (text, elements) in sets {
            if let path = FieldPath(parsing: text) {
                root.insert(.array(elements.sorted().map(JSONValue.string)), at: path.segments[...])
            }
        }
        if case .object(var members) = root {
            for key in Contract.listPaths where members[key] == nil { members[key] = .array([:]) }
            root = .object(members)
        }
        return root.json(pattern: "")
    }

    /// A report under construction: containers are dictionaries until rendered in order.
    private enum Node {
        case leaf(JSONValue)
        case object([String: Node])
        case array([Int: Node])

        /// Puts `value` at `path`, making containers on the way. A container already in place
        /// is never replaced by a scalar, so no stored field is hidden by a stray one.
        mutating func insert(_ value: JSONValue, at path: ArraySlice<FieldPath.Segment>) {
            guard let head = path.first else {
                if case .leaf = self { self = .leaf(value) }
                return
            }
            switch (head, self) {
            case (.key(let key), .object(var members)):
                var child = members[key] ?? .leaf(.null)
                child.insert(value, at: path.dropFirst())
                members[key] = child
                self = .object(members)
            case (.index(let index), .array(var items)):
                var child = items[index] ?? .leaf(.null)
                child.insert(value, at: path.dropFirst())
                items[index] = child
                self = .array(items)
            case (.key, .leaf):
                self = .object([:])
                insert(value, at: path)
            case (.index, .leaf):
                self = .array([:])
                insert(value, at: path)
            default:
                return  // an index into an object or a key into an array: the path does not fit
            }
        }

        /// Renders with keys in contract order (unknown keys after, sorted) and arrays dense
        /// (a missing index becomes an empty object).
        func json(pattern: String) -> JSONValue {
            switch self {
            case .leaf(let value):
                return value
            case .object(let members):
                let order = Contract.fieldOrder(ofObjectAt: pattern) ?? []
                let keys = order.filter { members[$0] != nil } + members.keys.filter { !order.contains($0) }.sorted()
                return .object(JSONObject(pairs: keys.map { key in
                    (key, members[key]!.json(pattern: IntakeValidator.join(pattern, key)))
                }))
            case .array(let items):
                let count = (items.keys.max() ?? -1) + 1
                return .array((0..<count).map { items[$0]?.json(pattern: pattern + "[]") ?? .object(JSONObject()) })
            }
        }
    }
}
