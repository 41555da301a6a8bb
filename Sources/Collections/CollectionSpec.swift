/// One replicated collection: its name, who receives its records (spec §14), who may create
/// them, and its fields (sync-v1.md §19).
///
/// Invariants (checked by `CollectionRegistry.problems`):
/// 1. `name` is 1…64 bytes; it starts with `ref.` iff the scope is `.reference` (§14 rule 1
///    decides scopes by name; the declaration must agree with it).
/// 2. Field names are unique patterns of at most 64 bytes.
/// 3. A `.hubOnly` or `.reference` collection has no node writer: a node can neither create
///    its records nor write their fields (§14: such records are not the node's).
public struct CollectionSpec: Sendable {
    /// Who receives the collection's ops (§14).
    public enum Scope: String, Sendable, Hashable {
        /// Records owned by a node: entity ids `<owner hex>-<local>` (§14 rule 2), served to the
        /// owner only. A node writes only records it owns; the hub may write them too.
        case nodeOwned = "node:<owner>"
        /// Reference data (`ref.*`), written by the hub, served to every node.
        case reference = "ref"
        /// The hub's own records, never served to a node.
        case hubOnly = "hub"
    }

    public let name: String
    public let scope: Scope
    /// Who may write its `exist` ops (create, delete, re-create records).
    public let creators: Set<Writer>
    /// The fields in the order the spec lists them.
    public let fields: [FieldSpec]
    /// One line for the spec: what a record is.
    public let summary: String
    private let byName: [String: FieldSpec]

    public init(name: String, scope: Scope, creators: Set<Writer>, fields: [FieldSpec], summary: String) {
        self.name = name
        self.scope = scope
        self.creators = creators
        self.fields = fields
        self.summary = summary
        byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The declaration a concrete field name (`victims[2].sex`) falls under, nil if none.
    public func field(_ name: String) -> FieldSpec? {
        FieldSpec.pattern(of: name).flatMap { byName[$0] }
    }

    /// True when `writer` may write the field `name` (false for unknown fields).
    public func mayWrite(_ name: String, _ writer: Writer) -> Bool {
        field(name)?.writers.contains(writer) ?? false
    }

    /// What is wrong with the declaration (invariants 1–3); empty when it is sound.
    var problems: [String] {
        var out: [String] = []
        if name.utf8.isEmpty || name.utf8.count > 64 { out.append("collection '\(name)': a name is 1 to 64 bytes") }
        if name.hasPrefix("ref.") != (scope == .reference) {
            out.append("collection '\(name)': a name starts with ref. exactly when its scope is reference (spec §14)")
        }
        if scope != .nodeOwned, creators.contains(.node) || fields.contains(where: { $0.writers.contains(.node) }) {
            out.append("collection '\(name)': only a node-owned collection has node writers")
        }
        var seen = Set<String>()
        for field in fields {
            if !seen.insert(field.name).inserted { out.append("collection '\(name)': field '\(field.name)' is declared twice") }
            if field.name.utf8.isEmpty || field.name.utf8.count > 64 {
                out.append("collection '\(name)': field '\(field.name)': a name is 1 to 64 bytes")
            }
            if field.writers.isEmpty { out.append("collection '\(name)': field '\(field.name)' has no writer") }
            if case .ranked(let levels) = field.kind, field.type != .string || levels.isEmpty || levels.contains(where: \.isEmpty) {
                out.append("collection '\(name)': field '\(field.name)': a ranked field holds strings, one or more per level")
            }
        }
        return out
    }
}
