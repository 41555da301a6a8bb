import Zlib

/// The raw-DEFLATE seam of batch frames (flag bit 0, spec §8.3), through the `Zlib` wrapper.
///
/// Invariants:
/// 1. The stream is raw DEFLATE (RFC 1951): no zlib or gzip header, no trailer.
/// 2. Inflation stops with `badCompression` at `maxBytes` of output, so a deflate bomb costs at
///    most the cap in memory.
enum BatchCompression {
    /// Raw DEFLATE of `payload` at zlib's level 6, against preset dictionary 1 if asked.
    static func deflate(_ payload: [UInt8], dictionary: Bool) -> [UInt8] {
        Zlib.compress(payload, format: .raw, level: 6, dictionary: dictionary ? BatchDictionary.v1 : nil)
    }

    /// Inflates a raw DEFLATE stream found at `offset` of the frame to at most `maxBytes`.
    static func inflate(_ stream: [UInt8], dictionary: Bool, maxBytes: Int, at offset: Int) throws(CodecError) -> [UInt8] {
        do {
            return try Zlib.decompress(stream, format: .raw, maxOutputBytes: maxBytes,
                                       dictionary: dictionary ? BatchDictionary.v1 : nil)
        } catch {
            throw CodecError(.badCompression, at: offset, "payload does not inflate within \(maxBytes) bytes: \(error)")
        }
    }
}
