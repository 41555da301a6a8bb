/// A Swift type that converts to and from one `DatabaseValue`.
///
/// Conversions are strict: `fromDatabaseValue` returns nil for NULL and for any storage class
/// or range it cannot represent exactly (text is never parsed as a number, a real is never
/// truncated to an integer). Use `Row.decode(_:as:)` to turn such a nil into an error.
public protocol DatabaseValueConvertible {
    /// The value to bind or store.
    var databaseValue: DatabaseValue { get }
    /// The Swift value for `v`, or nil when `v` is NULL or does not convert exactly.
    static func fromDatabaseValue(_ v: DatabaseValue) -> Self?
}

extension DatabaseValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { self }
    public static func fromDatabaseValue(_ v: DatabaseValue) -> DatabaseValue? { v }
}

extension Int64: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(self) }
    public static func fromDatabaseValue(_ v: DatabaseValue) -> Int64? {
        if case .integer(let i) = v { return i }
        return nil
    }
}

extension Int: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
    public static func fromDatabaseValue(_ v: DatabaseValue) -> Int? {
        Int64.fromDatabaseValue(v).flatMap { Int(exactly: $0) }
    }
}

extension Int32: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
    /// Nil when the stored integer is outside `Int32`'s range.
    public static func fromDatabaseValue(_ v: DatabaseValue) -> Int32? {
        Int64.fromDatabaseValue(v).flatMap { Int32(exactly: $0) }
    }
}

extension UInt64: DatabaseValueConvertible {
    /// Stored as the `Int64` with the same bit pattern, so values above `Int64.max` read back
    /// as negative integers in SQL; order comparisons in SQL are therefore signed.
    public var databaseValue: DatabaseValue { .integer(Int64(bitPattern: self)) }
    public static func fromDatabaseValue(_ v: DatabaseValue) -> UInt64? {
        Int64.fromDatabaseValue(v).map { UInt64(bitPattern: $0) }
    }
}

extension Bool: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(self ? 1 : 0) }
    /// Only the integers 0 and 1 convert; anything else is not a boolean this code wrote.
    public static func fromDatabaseValue(_ v: DatabaseValue) -> Bool? {
        switch v {
        case .integer(0): return false
        case .integer(1): return true
        default: return nil
        }
    }
}

extension Double: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .real(self) }
    /// A real converts as is; an integer converts only when the double represents it exactly
    /// (SQLite may hand back an integral REAL-affinity value as either class).
    public static func fromDatabaseValue(_ v: DatabaseValue) -> Double? {
        switch v {
        case .real(let d): return d
        case .integer(let i): return Double(exactly: i)
        default: return nil
        }
    }
}

extension String: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .text(self) }
    public static func fromDatabaseValue(_ v: DatabaseValue) -> String? {
        if case .text(let s) = v { return s }
        return nil
    }
}

extension Array: DatabaseValueConvertible where Element == UInt8 {
    public var databaseValue: DatabaseValue { .blob(self) }
    public static func fromDatabaseValue(_ v: DatabaseValue) -> [UInt8]? {
        if case .blob(let b) = v { return b }
        return nil
    }
}

extension Optional: DatabaseValueConvertible where Wrapped: DatabaseValueConvertible {
    /// `nil` is stored as NULL.
    public var databaseValue: DatabaseValue {
        switch self {
        case .none: return .null
        case .some(let wrapped): return wrapped.databaseValue
        }
    }

    /// NULL converts to `.some(nil)`; a non-NULL value that `Wrapped` rejects converts to nil.
    public static func fromDatabaseValue(_ v: DatabaseValue) -> Wrapped?? {
        if case .null = v { return .some(nil) }
        guard let wrapped = Wrapped.fromDatabaseValue(v) else { return nil }
        return .some(wrapped)
    }
}
