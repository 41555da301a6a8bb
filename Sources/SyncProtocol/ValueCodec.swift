/// The canonical encoding of a `Value` (spec §7), shared by ops, batches and the state digest.
///
/// Invariants:
/// 1. One tag byte, then the body: 0x00 null, 0x01 false, 0x02 true, 0x03 int (zigzag varint),
///    0x04 double (8 bytes big-endian IEEE 754), 0x05 string (varint length + UTF-8),
///    0x06 bytes (varint length + bytes), 0x07 sealed (key id, then ciphertext, each varint
///    length + bytes).
/// 2. Every value has exactly one encoding: a negative zero is written as +0.0 and refused when
///    read; NaN and infinities are refused when read.
/// 3. Canonical element order (sets, digests) is the byte-wise order of these encodings.
public enum ValueCodec {
    /// Tag bytes, spec §7.
    public enum Tag: UInt8, Sendable, CaseIterable {
        case null = 0x00, falseValue = 0x01, trueValue = 0x02, int = 0x03, double = 0x04
        case string = 0x05, bytes = 0x06, sealed = 0x07
    }

    /// The canonical bytes of `value`.
    public static func encode(_ value: Value) -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        write(value, into: &w)
        return w.bytes
    }

    /// Decodes exactly one value; refuses trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> Value {
        var r = ByteReader(bytes)
        let v = try read(&r)
        try r.expectEnd()
        return v
    }

    /// Values in canonical order: byte-wise by their encodings (spec §7.2).
    public static func sorted(_ values: [Value]) -> [Value] {
        values.map { (encode($0), $0) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            .map(\.1)
    }

    static func write(_ value: Value, into w: inout ByteWriter) {
        switch value {
        case .null: w.byte(Tag.null.rawValue)
        case .bool(let b): w.byte(b ? Tag.trueValue.rawValue : Tag.falseValue.rawValue)
        case .int(let i):
            w.byte(Tag.int.rawValue)
            w.zigzag(i)
        case .double(let d):
            w.byte(Tag.double.rawValue)
            w.u64(d == 0 ? 0 : d.bitPattern)
        case .string(let s):
            w.byte(Tag.string.rawValue)
            w.string(s)
        case .bytes(let b):
            w.byte(Tag.bytes.rawValue)
            w.lengthPrefixed(b)
        case .sealed(let s):
            w.byte(Tag.sealed.rawValue)
            w.lengthPrefixed(s.keyID)
            w.lengthPrefixed(s.ciphertext)
        }
    }

    static func read(_ r: inout ByteReader) throws(CodecError) -> Value {
        let start = r.offset
        let tagByte = try r.byte()
        guard let tag = Tag(rawValue: tagByte) else {
            throw CodecError(.badTag, at: start, "value tag 0x\(String(tagByte, radix: 16)) is not defined")
        }
        switch tag {
        case .null: return .null
        case .falseValue: return .bool(false)
        case .trueValue: return .bool(true)
        case .int: return .int(try r.zigzag())
        case .double:
            let at = r.offset
            let bits = try r.u64()
            let d = Double(bitPattern: bits)
            guard d.isFinite else { throw CodecError(.nonFinite, at: at, "double is NaN or infinite") }
            guard bits != (-0.0 as Double).bitPattern else {
                throw CodecError(.nonCanonical, at: at, "negative zero must be written as +0.0")
            }
            return .double(d)
        case .string: return .string(try r.string(max: OpLimits.maxStringBytes))
        case .bytes: return .bytes(try r.lengthPrefixed(max: OpLimits.maxBytesBytes))
        case .sealed:
            let keyID = try r.lengthPrefixed(max: OpLimits.maxKeyIDBytes)
            let ciphertext = try r.lengthPrefixed(max: OpLimits.maxSealedBytes)
            return .sealed(SealedValue(keyID: keyID, ciphertext: ciphertext))
        }
    }
}

/// The size limits of one op (spec §12). Decoders refuse anything larger.
public enum OpLimits {
    /// Collection names: 1…64 bytes of UTF-8.
    public static let maxCollectionBytes = 64
    /// Entity ids: 1…128 bytes of UTF-8.
    public static let maxEntityBytes = 128
    /// Field names: 1…64 bytes of UTF-8.
    public static let maxFieldBytes = 64
    /// String values: at most 256 KiB of UTF-8.
    public static let maxStringBytes = 256 * 1024
    /// Byte values: at most 256 KiB.
    public static let maxBytesBytes = 256 * 1024
    /// Sealed values: key id at most 64 bytes.
    public static let maxKeyIDBytes = 64
    /// Sealed values: ciphertext at most 257 KiB (a 256 KiB plaintext plus sealing overhead).
    public static let maxSealedBytes = 257 * 1024
    /// `supersedes` and `tags` lists: at most 64 ids.
    public static let maxIDList = 64
    /// Register ranks fit 32 bits.
    public static let maxRank = UInt64(UInt32.max)
}
