import SyncProtocol

/// One write to a register, as seen by a reader.
public struct FieldWrite: Sendable, Hashable {
    public let id: OpID
    public let value: Value
    public let rank: UInt32
    public let hlc: HLC

    public init(id: OpID, value: Value, rank: UInt32, hlc: HLC) {
        self.id = id
        self.value = value
        self.rank = rank
        self.hlc = hlc
    }
}

/// A register's merged state: the winning write and the concurrent writes it beat, which stay
/// visible until someone who has seen them writes again.
public struct FieldState: Sendable, Hashable {
    public let winner: FieldWrite
    /// Losing concurrent writes, best first (same order as the winner's key).
    public let conflicts: [FieldWrite]

    public var value: Value { winner.value }
}

/// An entity's merged state.
public struct Document: Sendable, Hashable {
    public let collection: String
    public let entity: String
    /// Odd: the entity exists; even: deleted (or never created, when 0).
    public let causalLength: UInt64
    /// The node whose `exist(1)` op created the entity.
    public let owner: NodeID?
    public let firstHLC: HLC
    public let lastHLC: HLC
    public let fields: [String: FieldState]
    /// Set fields with their present elements, in canonical order.
    public let sets: [String: [Value]]

    public var exists: Bool { causalLength % 2 == 1 }
    public var hasConflicts: Bool { fields.values.contains { !$0.conflicts.isEmpty } }

    public func value(_ field: String) -> Value? { fields[field]?.value }

    public func string(_ field: String) -> String? {
        if case .string(let s)? = value(field) { return s }
        return nil
    }
}
