/// A parsed JSON document.
///
/// Invariants:
/// 1. Object keys are unique (the parser rejects duplicates; `JSONObject` cannot hold two).
/// 2. Object key order is the order of the source text (or of insertion), so output is stable.
/// 3. A number without fraction or exponent that fits in `Int64` is `.int`; every other number
///    is `.double` and is finite (the parser rejects literals that overflow a Double).
/// 4. Strings and object keys compare and hash by their UTF-8 bytes (`UTF8Key`), in time
///    linear in the bytes: `.string("é") != .string("e\u{301}")`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name used in error messages: "null", "boolean", "integer", "number", "string", "array", "object".
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var int64Value: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where abs(d) < 9.0e15 && Double(Int64(d)) == d: return Int64(d)
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
}

/// An ordered JSON object with unique keys.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var keys: [String] = []
    /// Keyed by UTF-8 bytes (invariant 4): hashing a hostile key as a String is quadratic.
    private var storage: [UTF8Key: JSONValue] = [:]

    public init() {}

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        for (k, v) in pairs { self[k] = v }
    }

    public init(pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Reading returns nil for a missing key. Writing nil removes the key; writing a value to an
    /// existing key replaces it in place (order kept), to a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { storage[UTF8Key(key)] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: UTF8Key(key)) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: UTF8Key(key)) != nil {
                keys.removeAll { $0.utf8Equals(key) }
            }
        }
    }

    public func contains(_ key: String) -> Bool { storage[UTF8Key(key)] != nil }

    public func makeIterator() -> AnyIterator<(key: String, value: JSONValue)> {
        var index = 0
        let keys = self.keys
        let storage = self.storage
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            return (keys[index], storage[UTF8Key(keys[index])]!)
        }
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        // Equality ignores key order: two objects with the same members are the same value.
        a.storage == b.storage
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}

extension JSONValue {
    /// Structural equality; strings by their UTF-8 bytes (invariant 4), doubles by `==`.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x.utf8Equals(y)
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i): hasher.combine(2); hasher.combine(i)
        case .double(let d): hasher.combine(3); hasher.combine(d)
        case .string(let s): hasher.combine(4); hasher.combine(UTF8Key(s))
        case .array(let a): hasher.combine(5); hasher.combine(a)
        case .object(let o): hasher.combine(6); hasher.combine(o)
        }
    }
}
