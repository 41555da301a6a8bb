/// Appends the primitive items of the sync wire formats (see `Protocols/sync-v1.md` §6).
///
/// Invariants:
/// 1. Unsigned integers are unsigned LEB128, minimal length (no trailing 0x80 groups).
/// 2. Signed integers are zigzag-mapped, then written as (1).
/// 3. Fixed-width integers are big-endian.
/// 4. Byte strings and UTF-8 strings are a (1) length followed by the bytes.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func uvarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func zigzag(_ value: Int64) {
        uvarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    mutating func lengthPrefixed(_ b: [UInt8]) {
        uvarint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    mutating func string(_ s: String) { lengthPrefixed(Array(s.utf8)) }
}
