/// Reads the primitive items written by `ByteWriter`, refusing every non-canonical or
/// malformed form with a `CodecError` that names the offset of the offending item.
///
/// Invariants:
/// 1. `offset` only moves forward, and only past items that were fully read and accepted.
/// 2. Offsets are indices into `bytes` (a reader over a frame reports frame offsets).
/// 3. A varint is refused when longer than 10 bytes, wider than 64 bits, or not minimal.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { offset >= end }
    var remaining: Int { end - offset }

    mutating func byte() throws(CodecError) -> UInt8 {
        guard offset < end else { throw CodecError(.truncated, at: offset, "expected 1 more byte") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func raw(_ count: Int) throws(CodecError) -> [UInt8] {
        guard count <= remaining else {
            throw CodecError(.truncated, at: offset, "expected \(count) bytes, \(remaining) left")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uvarint() throws(CodecError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = offset
        while true {
            guard i < end else { throw CodecError(.truncated, at: start, "varint runs past the end") }
            let b = bytes[i]
            i += 1
            let payload = UInt64(b & 0x7F)
            if shift == 63 && payload > 1 {
                throw CodecError(.badVarint, at: start, "varint wider than 64 bits")
            }
            result |= payload << shift
            if b & 0x80 == 0 {
                if b == 0 && i - start > 1 {
                    throw CodecError(.nonCanonical, at: start, "over-long varint")
                }
                offset = i
                return result
            }
            shift += 7
            if shift > 63 { throw CodecError(.badVarint, at: start, "varint longer than 10 bytes") }
        }
    }

    mutating func zigzag() throws(CodecError) -> Int64 {
        let u = try uvarint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    mutating func u64() throws(CodecError) -> UInt64 {
        var v: UInt64 = 0
        for b in try raw(8) { v = v << 8 | UInt64(b) }
        return v
    }

    mutating func u32() throws(CodecError) -> UInt32 {
        var v: UInt32 = 0
        for b in try raw(4) { v = v << 8 | UInt32(b) }
        return v
    }

    /// A varint length, refused with `tooLong` above `max` (before any allocation).
    mutating func length(max: Int) throws(CodecError) -> Int {
        try bounded(max: max, .tooLong, "length")
    }

    /// A varint entry count, refused with `tooMany` above `max`.
    mutating func count(max: Int) throws(CodecError) -> Int {
        try bounded(max: max, .tooMany, "entry count")
    }

    private mutating func bounded(max: Int, _ code: CodecError.Code, _ what: String) throws(CodecError) -> Int {
        let start = offset
        let n = try uvarint()
        guard n <= UInt64(max) else { throw CodecError(code, at: start, "\(what) \(n) exceeds the limit \(max)") }
        return Int(n)
    }

    mutating func lengthPrefixed(max: Int) throws(CodecError) -> [UInt8] {
        try raw(try length(max: max))
    }

    /// A length-prefixed UTF-8 string of `min...max` bytes, validated (no normalisation).
    mutating func string(min: Int = 0, max: Int) throws(CodecError) -> String {
        let start = offset
        let utf8 = try lengthPrefixed(max: max)
        guard utf8.count >= min else {
            throw CodecError(.badValue, at: start, "string shorter than \(min) bytes")
        }
        guard let s = String(validating: utf8, as: UTF8.self) else {
            throw CodecError(.badUTF8, at: start, "string is not valid UTF-8")
        }
        return s
    }

    func expectEnd() throws(CodecError) {
        guard isAtEnd else { throw CodecError(.trailingBytes, at: offset, "\(remaining) bytes after the end") }
    }
}
