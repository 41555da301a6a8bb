import CZlib

/// DEFLATE compression through zlib, in gzip (RFC 1952), zlib (RFC 1950) or raw (RFC 1951) framing.
public enum Zlib {
    /// The framing around the DEFLATE data.
    public enum Format: Sendable {
        /// gzip header and CRC-32 trailer, what `/bin/gzip` and HTTP `Content-Encoding: gzip` use.
        case gzip
        /// zlib header and Adler-32 trailer (HTTP `deflate`).
        case zlib
        /// Bare DEFLATE blocks, no header and no checksum.
        case raw

        var windowBits: Int32 {
            switch self {
            case .gzip: return 15 + 16
            case .zlib: return 15
            case .raw: return -15
            }
        }
    }

    /// `bytes` compressed at `level` (0 = store … 9 = smallest, -1 = zlib's default, 6)
    /// (the corresponding C function is `deflate`).
    ///
    /// With `dictionary`, the stream is compressed against that preset dictionary, and
    /// decompressing it needs the same bytes (`.raw` and `.zlib` only).
    ///
    /// - Precondition: `level` is in -1...9; no dictionary with `.gzip`. Running out of memory
    ///   stops the process.
    public static func compress(_ bytes: [UInt8], format: Format = .gzip, level: Int32 = 6, dictionary: [UInt8]? = nil) -> [UInt8] {
        precondition((-1...9).contains(level), "zlib compression level \(level) is outside -1...9")
        precondition(dictionary == nil || format != .gzip, "gzip streams cannot use a preset dictionary")
        do {
            return try deflateAll(bytes, format: format, level: level, dictionary: dictionary)
        } catch {
            // Valid arguments leave only allocation failure, which the caller cannot handle either.
            preconditionFailure("zlib compression failed: \(error)")
        }
    }

    private static func deflateAll(_ bytes: [UInt8], format: Format, level: Int32, dictionary: [UInt8]?) throws(ZlibError) -> [UInt8] {
        let stream = try ZStream(.deflate, windowBits: format.windowBits, level: level)
        if let dictionary { try stream.setDictionary(dictionary, for: .deflate) }
        var output: [UInt8] = []
        output.reserveCapacity(Int(deflateBound(stream.pointer, uLong(bytes.count))))
        let failure: ZlibError? = bytes.withUnsafeBufferPointer { input in
            var offset = stream.feed(input, from: 0)
            while true {
                if stream.pendingInput == 0 && offset < input.count {
                    offset = stream.feed(input, from: offset)
                }
                let flush = offset == input.count ? Z_FINISH : Z_NO_FLUSH
                let (code, produced) = stream.run { deflate($0, flush) }
                output += produced
                switch code {
                case Z_STREAM_END: return nil
                case Z_OK, Z_BUF_ERROR: continue  // more output to drain, or more input to feed
                default: return ZlibError(.resourceExhausted, message: stream.message(orCode: code))
                }
            }
        }
        if let failure { throw failure }
        return output
    }

    /// The data compressed in `bytes`, refusing to produce more than `maxOutputBytes`
    /// (the corresponding C function is `inflate`). `dictionary` is the preset dictionary the
    /// stream was compressed with, if any; a raw stream with the wrong dictionary inflates to
    /// wrong bytes or fails, so callers check what they get (batch frames carry a SHA-256).
    ///
    /// Output is produced in 64 KiB steps and checked against the cap as it grows, so a small
    /// input that expands enormously costs at most the cap in memory. Concatenated gzip members
    /// (as `cat a.gz b.gz` makes) decompress to the concatenation; trailing bytes after a zlib
    /// or raw stream are `.corrupt`.
    ///
    /// - Throws: `ZlibError` `.outputTooLarge`, `.truncated` (input ends mid-stream, including
    ///   empty input), `.corrupt` (with zlib's message), `.resourceExhausted`.
    ///
    /// With `ignoringTrailingBytes`, the first stream is the result and whatever follows its end
    /// is ignored (to inflate a stream found inside a larger file).
    public static func decompress(_ bytes: [UInt8], format: Format = .gzip, maxOutputBytes: Int,
                                  dictionary: [UInt8]? = nil, ignoringTrailingBytes: Bool = false) throws(ZlibError) -> [UInt8] {
        precondition(maxOutputBytes >= 0, "maxOutputBytes must not be negative")
        let stream = try ZStream(.inflate, windowBits: format.windowBits)
        if let dictionary, format == .raw { try stream.setDictionary(dictionary, for: .inflate) }
        let result: Result<[UInt8], ZlibError> = bytes.withUnsafeBufferPointer { input in
            var output: [UInt8] = []
            var offset = stream.feed(input, from: 0)
            while true {
                if stream.pendingInput == 0 && offset < input.count {
                    offset = stream.feed(input, from: offset)
                }
                let (code, produced) = stream.run { inflate($0, Z_NO_FLUSH) }
                guard output.count + produced.count <= maxOutputBytes else {
                    return .failure(ZlibError(.outputTooLarge,
                                              message: "output exceeds the limit of \(maxOutputBytes) bytes"))
                }
                output += produced
                switch code {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    let remaining = stream.pendingInput + (input.count - offset)
                    if remaining == 0 || ignoringTrailingBytes { return .success(output) }
                    guard format == .gzip else {
                        return .failure(ZlibError(.corrupt, message: "\(remaining) bytes follow the end of the stream"))
                    }
                    // Another gzip member follows; a non-gzip tail fails its header check.
                    let reset = inflateReset(stream.pointer)
                    guard reset == Z_OK else {
                        return .failure(ZlibError(.resourceExhausted, message: stream.message(orCode: reset)))
                    }
                case Z_BUF_ERROR:
                    // With output space available, no progress means the input ran out mid-stream.
                    return .failure(ZlibError(.truncated, message: "input ended after \(input.count) bytes, before the end of the stream"))
                case Z_DATA_ERROR:
                    return .failure(ZlibError(.corrupt, message: stream.message(orCode: code)))
                case Z_NEED_DICT:
                    guard let dictionary else {
                        return .failure(ZlibError(.corrupt, message: "the stream needs a preset dictionary and none was given"))
                    }
                    do throws(ZlibError) {
                        try stream.setDictionary(dictionary, for: .inflate)
                    } catch {
                        return .failure(error)
                    }
                case Z_MEM_ERROR:
                    return .failure(ZlibError(.resourceExhausted, message: stream.message(orCode: code)))
                default:
                    return .failure(ZlibError(.corrupt, message: stream.message(orCode: code)))
                }
            }
        }
        return try result.get()
    }

    /// The CRC-32 (ISO 3309, as gzip and PNG use) of `bytes`, continuing from `initial`
    /// (the corresponding C function is `crc32_z`). `crc32(b, initial: crc32(a)) == crc32(a + b)`.
    public static func crc32(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        // crc32_z on a null buffer returns the initial CRC of zero, not `initial`.
        guard !bytes.isEmpty else { return initial }
        return bytes.withUnsafeBufferPointer { buffer in
            UInt32(crc32_z(uLong(initial), buffer.baseAddress, z_size_t(buffer.count)))
        }
    }
}
