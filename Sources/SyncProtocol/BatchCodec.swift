import Crypto

/// Batch frames: many ops in one checksummed unit, compact for slow links (spec §8).
///
/// Frame layout (byte order big-endian):
///
///     offset 0   4 bytes  magic "FSB1" (0x46 0x53 0x42 0x31)
///     offset 4   1 byte   version 0x01
///     offset 5   1 byte   flags: bit 0 = payload is raw DEFLATE; bit 1 = with preset
///                       dictionary 1 (only with bit 0); bits 2…7 MUST be 0
///     offset 6   4 bytes  payload length L (u32, as stored)
///     offset 10  L bytes  payload (`BatchPayload`), possibly deflated
///     offset 10+L 32 bytes SHA-256 of bytes 0 ..< 10+L
///
/// Invariants:
/// 1. Checks run in this order, each with its own error: magic, version, flags, length
///    (limit, then exact frame size), checksum, inflation, payload.
/// 2. `decode` returns all ops of a frame, strictly ascending by (origin, seq), or throws.
/// 3. `encode` is deterministic: the same set of ops (by id) gives the same bytes (for a
///    compressed frame: with the same zlib version).
public enum BatchCodec {
    public static let magic: [UInt8] = Array("FSB1".utf8)
    public static let version: UInt8 = 0x01
    /// Flag bit 0: the payload is raw DEFLATE (RFC 1951, no zlib or gzip wrapper).
    public static let compressedFlag: UInt8 = 0x01
    /// The DEFLATE stream uses preset dictionary 1 (`BatchDictionary.v1`); only with bit 0.
    public static let dictionaryFlag: UInt8 = 0x02
    /// Bytes before the payload.
    public static let headerBytes = 10
    /// Bytes after the payload.
    public static let trailerBytes = 32

    /// The frame for `ops`: sorted by (origin, seq); of several ops with one id the first in
    /// `ops` is kept. With `compress`, the payload is deflated when that makes it smaller;
    /// otherwise it is stored plain with the flag clear. Compressed bytes depend on the zlib
    /// version; the ops they carry do not.
    public static func encode(_ ops: [Op], compress: Bool) -> [UInt8] {
        var seen = Set<OpID>()
        let unique = ops.filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
        var payload = BatchPayload.encode(unique)
        var flags: UInt8 = 0
        if compress {
            // The smallest of: plain, deflated, deflated against the preset dictionary.
            let deflated = BatchCompression.deflate(payload, dictionary: false)
            let primed = BatchCompression.deflate(payload, dictionary: true)
            if primed.count < min(deflated.count, payload.count) {
                payload = primed
                flags = compressedFlag | dictionaryFlag
            } else if deflated.count < payload.count {
                payload = deflated
                flags = compressedFlag
            }
        }
        var w = ByteWriter(capacity: headerBytes + payload.count + trailerBytes)
        w.raw(magic)
        w.byte(version)
        w.byte(flags)
        w.u32(UInt32(payload.count))
        w.raw(payload)
        w.raw(SHA256.hash(w.bytes))
        return w.bytes
    }

    /// The ops of one frame, ascending by (origin, seq), every one within `OpLimits`.
    public static func decode(_ bytes: [UInt8], limits: BatchLimits = .standard) throws(CodecError) -> [Op] {
        var r = ByteReader(bytes)
        let head = Array(bytes.prefix(magic.count))
        guard head == Array(magic.prefix(head.count)) else { throw CodecError(.badMagic, at: 0, "not a batch frame") }
        _ = try r.raw(magic.count)
        let v = try r.byte()
        guard v == version else { throw CodecError(.badVersion, at: 4, "batch version \(v), expected \(version)") }
        let flags = try r.byte()
        guard flags & ~(compressedFlag | dictionaryFlag) == 0 else {
            throw CodecError(.badFlags, at: 5, "undefined flag bits 0x\(String(flags, radix: 16))")
        }
        guard flags & dictionaryFlag == 0 || flags & compressedFlag != 0 else {
            throw CodecError(.badFlags, at: 5, "flag bit 1 (preset dictionary) without bit 0 (compressed)")
        }
        let length = Int(try r.u32())
        guard length <= limits.maxFrameBytes - headerBytes - trailerBytes else {
            throw CodecError(.tooLong, at: 6, "payload of \(length) bytes exceeds the frame limit \(limits.maxFrameBytes)")
        }
        let frameEnd = headerBytes + length + trailerBytes
        guard bytes.count >= frameEnd else {
            throw CodecError(.truncated, at: bytes.count < headerBytes + length ? headerBytes : headerBytes + length,
                             "frame of \(frameEnd) bytes, \(bytes.count) received")
        }
        guard bytes.count == frameEnd else { throw CodecError(.trailingBytes, at: frameEnd, "bytes after the frame") }
        let payloadEnd = headerBytes + length
        guard SHA256.hash(Array(bytes[0..<payloadEnd])) == Array(bytes[payloadEnd...]) else {
            throw CodecError(.badChecksum, at: payloadEnd, "SHA-256 does not match; the frame was damaged")
        }
        guard flags & compressedFlag != 0 else {
            return try BatchPayload.decode(ByteReader(bytes, from: headerBytes, to: payloadEnd), maxOps: limits.maxOps)
        }
        let inflated = try BatchCompression.inflate(Array(bytes[headerBytes..<payloadEnd]), dictionary: flags & dictionaryFlag != 0,
                                                    maxBytes: limits.maxDecompressedBytes, at: headerBytes)
        // Offsets of payload errors are now offsets within the inflated payload.
        return try BatchPayload.decode(ByteReader(inflated), maxOps: limits.maxOps)
    }
}
