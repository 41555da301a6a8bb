/// A failure to decompress. Compression itself cannot fail on valid arguments.
public struct ZlibError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The decompressed data would exceed the caller's `maxOutputBytes` (a zip bomb, or a
        /// limit set too low). Nothing past the limit was kept in memory.
        case outputTooLarge
        /// The input ended before the compressed stream did (cut off in transfer or on disk).
        case truncated
        /// The input is not a valid stream of the requested format, or its checksum is wrong.
        case corrupt
        /// zlib could not allocate its working memory.
        case resourceExhausted
    }

    public let code: Code
    /// zlib's own message (`z_stream.msg`) or a description of the check that failed.
    public let message: String

    public init(_ code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        let advice: String
        switch code {
        case .outputTooLarge: advice = "refuse the data, or raise the limit if the size is expected"
        case .truncated: advice = "the data was cut off; fetch or copy it again"
        case .corrupt: advice = "the data is damaged or in another format; fetch or copy it again"
        case .resourceExhausted: advice = "free memory and retry"
        }
        return "decompression failed: \(code.rawValue): \(message); \(advice)"
    }
}
