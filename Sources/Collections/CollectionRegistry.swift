import SyncProtocol

/// The replicated collections of fieldsync and their fields: the one place their names, kinds,
/// writers and scopes are declared (sync-v1.md §19 is written from it). Push authorization,
/// the hub's listings and the node's report writer read it.
///
/// Adding a collection: one file declaring its `CollectionSpec` (see `ReportCollection`) and
/// one line in `standard` below. Pushes to it are then authorized by its declaration, its ops
/// scoped by §14, and the spec's table (`markdownTable`) lists it.
///
/// Invariants:
/// 1. Collection names are unique; every declaration is sound (`CollectionSpec` invariants).
/// 2. `check` is a pure function of the op and the writer: a node's op passes iff its
///    collection is declared, the node may create records there (`exist`) or write the field
///    (`set`, `add`, `remove`), the action fits the field's kind, the value its type and the
///    rank its level. Unknown collections and fields are refused (§19.4).
public struct CollectionRegistry: Sendable {
    /// The registration list: every replicated collection of the application.
    public static let standard = CollectionRegistry([
        ReportCollection.spec,
    ])

    public let collections: [CollectionSpec]
    private let byName: [String: CollectionSpec]

    /// A registry of `collections`; they must be sound (`problems` is empty: a programming error).
    public init(_ collections: [CollectionSpec]) {
        let problems = Self.problems(collections)
        precondition(problems.isEmpty, "unsound collection registry: " + problems.joined(separator: "; "))
        self.collections = collections
        byName = Dictionary(collections.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// What is wrong with a list of declarations (invariant 1); empty when it may be registered.
    public static func problems(_ collections: [CollectionSpec]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for collection in collections {
            if !seen.insert(collection.name).inserted { out.append("collection '\(collection.name)' is registered twice") }
            out += collection.problems
        }
        return out
    }

    /// This registry with `collection` registered too.
    public func registering(_ collection: CollectionSpec) -> CollectionRegistry {
        CollectionRegistry(collections + [collection])
    }

    public func collection(_ name: String) -> CollectionSpec? { byName[name] }

    /// Why `writer` may not write `op`, nil when it may (invariant 2). Ownership of the entity
    /// (a node writes only records whose id it owns) is the caller's check: it needs the id form.
    public func check(_ op: Op, from writer: Writer) -> CollectionRefusal? {
        guard let collection = byName[op.collection] else {
            return CollectionRefusal(.unknownCollection, "names collection \(Self.quoted(op.collection)), which this hub does not know")
        }
        let field: FieldSpec
        switch op.action {
        case .exist:
            guard collection.creators.contains(writer) else {
                return CollectionRefusal(.notWriter, "creates or deletes a record of \(collection.name), which only the hub does")
            }
            return nil
        case .set(let name, _, _, _), .add(let name, _), .remove(let name, _, _):
            guard let declared = collection.field(name) else {
                return CollectionRefusal(.unknownField, "writes field \(Self.quoted(name)) of \(collection.name), which this hub does not know")
            }
            guard declared.writers.contains(writer) else {
                return CollectionRefusal(.notWriter, "writes field \(declared.name) of \(collection.name), which only the hub writes")
            }
            field = declared
        }
        switch (op.action, field.kind) {
        case (.set(_, let value, let rank, _), .register), (.set(_, let value, let rank, _), .ranked):
            guard field.admits(value, asElement: false) else {
                return CollectionRefusal(.wrongValue, "sets field \(field.name) of \(collection.name) to a value that is not \(Self.article(field))")
            }
            // null clears and a sealed value hides its level: both carry any rank a writer chose.
            if case .null = value { return nil }
            if case .sealed = value { return nil }
            guard let expected = field.rank(of: value), expected == rank else {
                return CollectionRefusal(.wrongValue, "sets field \(field.name) of \(collection.name) with a rank its value does not have")
            }
            return nil
        case (.add(_, let element), .set), (.remove(_, let element, _), .set):
            guard field.admits(element, asElement: true) else {
                return CollectionRefusal(.wrongValue, "changes set \(field.name) of \(collection.name) with an element that is not \(Self.article(field))")
            }
            return nil
        default:
            return CollectionRefusal(.wrongValue, "writes field \(field.name) of \(collection.name) with an action its kind does not take")
        }
    }

    private static func article(_ field: FieldSpec) -> String {
        let plain = switch field.type {
        case .string: "a string"
        case .bool: "a bool"
        case .int: "an int"
        case .double: "a double"
        case .bytes: "bytes"
        }
        return field.sealed ? plain + " or sealed" : plain
    }

    /// A name from the wire for a message: printable ASCII kept, every other byte as `?`.
    static func quoted(_ name: String) -> String {
        "'" + String(decoding: name.utf8.map { (0x20...0x7e).contains($0) && $0 != 0x27 ? $0 : UInt8(ascii: "?") }, as: UTF8.self) + "'"
    }
}

/// Why a registry refused an op. `message` completes "A pushed op …".
public struct CollectionRefusal: Error, Sendable, Hashable {
    public enum Code: String, Sendable {
        case unknownCollection, unknownField, notWriter, wrongValue
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
