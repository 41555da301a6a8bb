/// The reference implementation of the merge rules (spec §9), in memory and pure: the state is
/// a function of the set of ops applied, whatever their order or repetition. The SQLite engine
/// is checked against it through `stateDigest()`.
///
/// Invariants:
/// 1. `apply` is idempotent by op id; a second, different op with an id already held is
///    refused (`conflictingDuplicate`) and changes nothing.
/// 2. Names and elements are keyed by their bytes (UTF-8, value encoding), never by Swift
///    `String` equality.
/// 3. Entity existence = causal length (max over exist ops) is odd.
/// 4. A set op Y *overrides* X iff both write the same register, Y lists X in `supersedes` and
///    Y.rank ≥ X.rank. Heads = the register's set ops no held op overrides; winner = the highest
///    head by (rank, hlc, origin bytes, seq); conflicts = the other heads, descending. A register
///    without heads (only a forged supersedes cycle does that) has no value.
/// 5. Set element present iff one of its add tags is not listed by a remove of that element.
public struct MemoryReplica: Sendable {
    /// What `apply` did.
    public enum ApplyOutcome: Sendable, Equatable {
        case applied
        /// The same op (byte for byte) was already held.
        case duplicate
        /// A different op with the same id was already held: a protocol violation by its origin.
        case conflictingDuplicate
    }

    struct EntityKey: Hashable, Comparable {
        let collection: [UInt8]
        let entity: [UInt8]
        static func < (a: EntityKey, b: EntityKey) -> Bool {
            a.collection == b.collection
                ? a.entity.lexicographicallyPrecedes(b.entity)
                : a.collection.lexicographicallyPrecedes(b.collection)
        }
    }

    struct FieldKey: Hashable {
        let entity: EntityKey
        let field: [UInt8]
    }

    private var ops: [OpID: Op] = [:]
    private var encoded: [OpID: [UInt8]] = [:]
    private var causal: [EntityKey: UInt64] = [:]
    private var registerOps: [FieldKey: [OpID]] = [:]
    /// Per register, the highest rank of the set ops that list each id in `supersedes`.
    private var supersededRank: [FieldKey: [OpID: UInt32]] = [:]
    private var addTags: [FieldKey: [[UInt8]: Set<OpID>]] = [:]
    private var removedTags: [FieldKey: [[UInt8]: Set<OpID>]] = [:]
    private var elementValue: [[UInt8]: Value] = [:]

    public init() {}

    /// The number of distinct ops held.
    public var count: Int { ops.count }

    /// Every op held, ascending by (origin, seq).
    public var allOps: [Op] { ops.values.sorted { $0.id < $1.id } }

    /// The op with this id, if held.
    public func op(_ id: OpID) -> Op? { ops[id] }

    /// Merges one op.
    @discardableResult
    public mutating func apply(_ op: Op) -> ApplyOutcome {
        let bytes = OpCodec.encode(op)
        if let held = encoded[op.id] { return held == bytes ? .duplicate : .conflictingDuplicate }
        ops[op.id] = op
        encoded[op.id] = bytes
        let key = Self.key(op.collection, op.entity)
        if causal[key] == nil { causal[key] = 0 }  // every entity with an op is part of the state
        switch op.action {
        case .exist(let length):
            causal[key] = max(causal[key, default: 0], length)
        case .set(let field, _, let rank, let supersedes):
            let f = FieldKey(entity: key, field: Array(field.utf8))
            registerOps[f, default: []].append(op.id)
            for old in supersedes { supersededRank[f, default: [:]][old] = max(supersededRank[f]?[old] ?? 0, rank) }
        case .add(let field, let element):
            let e = ValueCodec.encode(element)
            elementValue[e] = element
            addTags[FieldKey(entity: key, field: Array(field.utf8)), default: [:]][e, default: []].insert(op.id)
        case .remove(let field, let element, let tags):
            let e = ValueCodec.encode(element)
            elementValue[e] = element
            removedTags[FieldKey(entity: key, field: Array(field.utf8)), default: [:]][e, default: []].formUnion(tags)
        }
        return .applied
    }

    /// The entity's causal length: the maximum over its exist ops, 0 when there are none.
    public func causalLength(collection: String, entity: String) -> UInt64 {
        causal[Self.key(collection, entity)] ?? 0
    }

    /// Whether the entity exists: its causal length is odd.
    public func exists(collection: String, entity: String) -> Bool {
        causalLength(collection: collection, entity: entity) % 2 == 1
    }

    /// The register's winning set op and its visible conflicts (highest first); no winner when
    /// the register has no set op or none is a head.
    public func register(collection: String, entity: String, field: String) -> (winner: Op?, conflicts: [Op]) {
        register(FieldKey(entity: Self.key(collection, entity), field: Array(field.utf8)))
    }

    /// The set's present elements in canonical order (byte-wise by value encoding).
    public func elements(collection: String, entity: String, field: String) -> [Value] {
        elements(FieldKey(entity: Self.key(collection, entity), field: Array(field.utf8))).map { elementValue[$0]! }
    }

    /// Register and set field names per entity, each list byte-wise ascending.
    func fieldsByEntity() -> [EntityKey: (registers: [[UInt8]], sets: [[UInt8]])] {
        var out: [EntityKey: (registers: [[UInt8]], sets: [[UInt8]])] = [:]
        for f in registerOps.keys { out[f.entity, default: ([], [])].registers.append(f.field) }
        for f in addTags.keys { out[f.entity, default: ([], [])].sets.append(f.field) }
        for (k, v) in out {
            out[k] = (v.registers.sorted { $0.lexicographicallyPrecedes($1) }, v.sets.sorted { $0.lexicographicallyPrecedes($1) })
        }
        return out
    }

    var entities: [EntityKey] { causal.keys.sorted() }

    func causalLength(_ key: EntityKey) -> UInt64 { causal[key] ?? 0 }

    func register(_ f: FieldKey) -> (winner: Op?, conflicts: [Op]) {
        let overriding = supersededRank[f] ?? [:]
        let heads = (registerOps[f] ?? []).map { ops[$0]! }
            .filter { op in overriding[op.id].map { $0 < Self.rank(op) } ?? true }
            .sorted(by: Self.ranksAbove)
        guard let winner = heads.first else { return (nil, []) }
        return (winner, Array(heads.dropFirst()))
    }

    /// Present elements of a set, as sorted value encodings.
    func elements(_ f: FieldKey) -> [[UInt8]] {
        let removed = removedTags[f] ?? [:]
        return (addTags[f] ?? [:]).compactMap { element, tags in
            tags.subtracting(removed[element] ?? []).isEmpty ? nil : element
        }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The register order: true when `a` ranks above `b` by (rank, hlc, origin bytes, seq).
    static func ranksAbove(_ a: Op, _ b: Op) -> Bool {
        let ra = rank(a), rb = rank(b)
        if ra != rb { return ra > rb }
        if a.hlc != b.hlc { return a.hlc > b.hlc }
        return b.id < a.id
    }

    static func rank(_ op: Op) -> UInt32 {
        if case .set(_, _, let rank, _) = op.action { return rank }
        return 0
    }

    static func key(_ collection: String, _ entity: String) -> EntityKey {
        EntityKey(collection: Array(collection.utf8), entity: Array(entity.utf8))
    }
}
