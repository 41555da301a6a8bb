import FieldModel
import SyncProtocol

/// The bridge between the intake contract's scalar values and the values ops carry: what a
/// report field is on the wire (sync-v1.md §19.2).
extension FieldValue {
    /// The intake value of a stored scalar; nil for bytes and sealed values, which no intake
    /// field holds.
    public init?(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let n): self = .int(n)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .bytes, .sealed: return nil
        }
    }

    /// The value the store keeps for this field.
    public var storeValue: Value {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let n): .int(n)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        }
    }
}
