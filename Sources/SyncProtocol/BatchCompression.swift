/// The raw-DEFLATE seam of batch frames (flag bit 0, spec §8.3).
///
/// The `Zlib` wrapper module is not merged on this branch yet, so this build has no deflater:
/// `isAvailable` is false, `BatchCodec.encode(_:compress: true)` writes an uncompressed frame
/// (flag clear, which every peer accepts) and a compressed frame is refused with
/// `compressionUnavailable`. When `Zlib.compress(_:format:level:)` and
/// `Zlib.decompress(_:format:maxOutputBytes:)` land, only the three members below change.
enum BatchCompression {
    static let isAvailable = false

    /// Raw DEFLATE of `payload`, or nil when this build cannot compress.
    static func deflate(_ payload: [UInt8]) -> [UInt8]? { nil }

    /// Inflates a raw DEFLATE stream to at most `maxBytes`; nil when the stream is malformed or
    /// inflates past `maxBytes`.
    static func inflate(_ stream: [UInt8], maxBytes: Int) -> [UInt8]? { nil }
}
