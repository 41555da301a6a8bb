/// Why a request could not be parsed, and the status the server answers with.
///
/// The `message` is about the client's own bytes and is safe to send back; it says what to fix.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong. Each code maps to exactly one status.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        case invalidRequestLine = "invalid_request_line"
        case invalidMethod = "invalid_method"
        case invalidTarget = "invalid_target"
        case invalidVersion = "invalid_version"
        case unsupportedVersion = "unsupported_version"
        case requestLineTooLong = "request_line_too_long"
        case bareLineFeed = "bare_line_feed"
        case invalidHeaderName = "invalid_header_name"
        case whitespaceBeforeColon = "whitespace_before_colon"
        case obsoleteLineFolding = "obsolete_line_folding"
        case invalidHeaderValue = "invalid_header_value"
        case headersTooLarge = "headers_too_large"
        case tooManyHeaders = "too_many_headers"
        case missingHost = "missing_host"
        case duplicateHost = "duplicate_host"
        case invalidContentLength = "invalid_content_length"
        case conflictingContentLength = "conflicting_content_length"
        case contentLengthWithTransferEncoding = "content_length_with_transfer_encoding"
        case invalidTransferEncoding = "invalid_transfer_encoding"
        case unsupportedTransferEncoding = "unsupported_transfer_encoding"
        case lengthRequired = "length_required"
        case bodyTooLarge = "body_too_large"
        case invalidChunkSize = "invalid_chunk_size"
        case missingChunkTerminator = "missing_chunk_terminator"
        case trailersTooLarge = "trailers_too_large"
        case unsupportedExpectation = "unsupported_expectation"
        case truncatedRequest = "truncated_request"

        /// The response status for this code.
        public var status: Int {
            switch self {
            case .requestLineTooLong: return 414
            case .headersTooLarge, .tooManyHeaders, .trailersTooLarge: return 431
            case .bodyTooLarge: return 413
            case .lengthRequired: return 411
            case .unsupportedVersion: return 505
            case .unsupportedTransferEncoding: return 501
            case .unsupportedExpectation: return 417
            default: return 400
            }
        }
    }

    public var code: Code
    /// What to fix, in words safe to show the client.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The response status: 400, 411, 413, 414, 417, 431, 501 or 505.
    public var status: Int { code.status }

    public var description: String { "HTTPParseError(\(code.rawValue), status \(status)): \(message)" }
}
