import SyncProtocol

/// Who may write a field or create a record: a field laptop (`node`, its own records only) or
/// the hub.
public enum Writer: String, Sendable, Hashable, CaseIterable {
    case node
    case hub
}

/// One replicated field of a collection: its name, how it merges, what it holds and who may
/// write it (sync-v1.md §19).
///
/// Invariants:
/// 1. `name` is a field name of at most 64 bytes (§5) in which every array index is written
///    `[]`: the pattern `victims[].sex` stands for `victims[0].sex`, `victims[1].sex`, ….
/// 2. A `.register` is written by `set` ops of rank 0; a `.ranked` register by `set` ops whose
///    rank is the rank of the value they write (§5, forward-only); a `.set` by `add` and
///    `remove` ops. No other action writes the field.
/// 3. A register may be set to `null` (not set) by its writers; a sealed value (§7 tag 0x07)
///    is accepted only where `sealed` is true; every other value has the tag of `type`.
/// 4. A `sealed` field is sealed by the node that writes it, before it is stored (§19.3): the
///    laptop holds only the sealed value, the hub opens it with its private key.
public struct FieldSpec: Sendable, Hashable {
    /// How the field merges (§9.3, §9.4).
    public enum Kind: Sendable, Hashable {
        /// Last-writer-wins register, rank 0.
        case register
        /// Forward-only register: the value is a string of `levels`, written with rank
        /// (index of its level + 1); a write that goes backwards loses and shows as a conflict.
        /// Values on one level are alternatives (e.g. `completed | declined`).
        case ranked(levels: [[String]])
        /// Add-wins set of elements of `type`.
        case set
    }

    /// The value tag a field holds (§7.1).
    public enum ValueType: String, Sendable, Hashable {
        case string, bool, int, double, bytes
    }

    public let name: String
    public let kind: Kind
    public let type: ValueType
    public let writers: Set<Writer>
    /// True when the node seals the value to the hub's key before storing it (invariant 4);
    /// only such a field admits a sealed value (invariant 3).
    public let sealed: Bool
    /// The closed vocabulary of a string field or set, in order; empty when open. Documentation
    /// and the compression dictionary's check; the hub does not refuse other strings (§19.4).
    public let values: [String]
    /// One line for the spec's table: where the value comes from and what it means.
    public let summary: String

    public init(_ name: String, _ type: ValueType, _ kind: Kind = .register, writers: Set<Writer>,
                sealed: Bool = false, values: [String] = [], summary: String) {
        self.name = name
        self.kind = kind
        self.type = type
        self.writers = writers
        self.sealed = sealed
        self.values = values
        self.summary = summary
    }

    /// The rank a `set` op must carry to write `value`: 0 for a plain register, the level of
    /// the value + 1 for a ranked one; nil when a ranked field does not admit the value.
    public func rank(of value: Value) -> UInt32? {
        guard case .ranked(let levels) = kind else { return 0 }
        guard case .string(let text) = value else { return nil }
        guard let level = levels.firstIndex(where: { $0.contains { $0.utf8.elementsEqual(text.utf8) } }) else { return nil }
        return UInt32(level + 1)
    }

    /// True when `value` has the field's type (invariant 3; `null` only for registers).
    func admits(_ value: Value, asElement: Bool) -> Bool {
        switch value {
        case .null: return !asElement
        case .sealed: return sealed
        case .bool: return type == .bool
        case .int: return type == .int
        case .double: return type == .double
        case .string: return type == .string
        case .bytes: return type == .bytes
        }
    }

    /// `victims[3].sex` → `victims[].sex`: the pattern a concrete field name is declared as;
    /// nil when an index breaks the path grammar of `FieldModel` (1 to 6 digits, no leading
    /// zero), so that no declaration matches `victims[].sex` or `victims[01].sex` as written.
    /// Names without `[` are returned as they are.
    public static func pattern(of name: String) -> String? {
        guard name.utf8.contains(UInt8(ascii: "[")) else { return name }
        var out: [UInt8] = []
        var digits: [UInt8]? = nil  // inside an index: the digits so far
        for byte in name.utf8 {
            if var index = digits {
                if byte == UInt8(ascii: "]") {
                    guard !index.isEmpty, index.count <= 6, index.count == 1 || index[0] != UInt8(ascii: "0") else { return nil }
                    out.append(byte)
                    digits = nil
                } else {
                    guard (0x30...0x39).contains(byte) else { return nil }
                    index.append(byte)
                    digits = index
                }
            } else {
                out.append(byte)
                if byte == UInt8(ascii: "[") { digits = [] }
            }
        }
        return digits == nil ? String(decoding: out, as: UTF8.self) : nil
    }
}
