import SQLite
import SyncProtocol

/// How a `Value` is stored in a dynamically typed column: a small type tag (`vtype`) next to the
/// SQLite value, so text stays queryable as text and bool/int or bytes/sealed never blur.
///
/// | vtype | Value     | column            |
/// |-------|-----------|-------------------|
/// | 0     | .null     | INTEGER 0 (not NULL: set elements are primary-key columns, which refuse NULL) |
/// | 1     | .bool     | INTEGER 0 or 1    |
/// | 2     | .int      | INTEGER           |
/// | 3     | .double   | REAL              |
/// | 4     | .string   | TEXT              |
/// | 5     | .bytes    | BLOB              |
/// | 6     | .sealed   | BLOB: u8 keyID length, keyID, ciphertext |
extension Value {
    var storage: (vtype: Int64, value: DatabaseValue) {
        switch self {
        case .null: return (0, .integer(0))
        case .bool(let b): return (1, .integer(b ? 1 : 0))
        case .int(let i): return (2, .integer(i))
        case .double(let d): return (3, .real(d))
        case .string(let s): return (4, .text(s))
        case .bytes(let b): return (5, .blob(b))
        case .sealed(let s): return (6, .blob([UInt8(s.keyID.count)] + s.keyID + s.ciphertext))
        }
    }

    init?(vtype: Int64, value: DatabaseValue) {
        switch (vtype, value) {
        case (0, _): self = .null
        case (1, .integer(let i)): self = .bool(i != 0)
        case (2, .integer(let i)): self = .int(i)
        case (3, .real(let d)): self = .double(d)
        case (3, .integer(let i)): self = .double(Double(i))
        case (4, .text(let s)): self = .string(s)
        case (5, .blob(let b)): self = .bytes(b)
        case (5, .null): self = .bytes([])
        case (6, .blob(let b)):
            guard let n = b.first, b.count >= 1 + Int(n) else { return nil }
            self = .sealed(SealedValue(keyID: Array(b[1..<(1 + Int(n))]), ciphertext: Array(b[(1 + Int(n))...])))
        default: return nil
        }
    }
}

extension NodeID {
    var databaseValue: DatabaseValue { .blob(bytes) }
}

extension Row {
    func nodeID(_ i: Int) -> NodeID? { blob(i).flatMap { NodeID(bytes: $0) } }
    func uint64(_ i: Int) -> UInt64? { int64(i).map { UInt64(bitPattern: $0) } }
}

extension UInt64 {
    var databaseValue: DatabaseValue { .integer(Int64(bitPattern: self)) }
}

extension HLC {
    var databaseValue: DatabaseValue { .integer(Int64(bitPattern: rawValue)) }
}
