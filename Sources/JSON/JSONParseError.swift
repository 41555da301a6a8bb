/// Why `JSON.parse` refused its input, and where.
///
/// `description` is safe to show to a user or send over the wire: it never echoes more than one
/// character or byte of the input (shown as hex when not printable ASCII), except for
/// `duplicateKey`, which names the key, cut to 32 characters.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// The input is not valid UTF-8 (bad lead byte, bad or missing continuation byte,
        /// overlong form, encoded surrogate, code point above U+10FFFF).
        case invalidUTF8
        /// A byte that the grammar does not allow here (including a trailing comma, a comment,
        /// `NaN`, a single-quoted string).
        case unexpectedByte
        /// The input ended in the middle of a value.
        case unexpectedEnd
        /// An object holds the same key twice.
        case duplicateKey
        /// Arrays and objects nest deeper than `JSONLimits.maxDepth`.
        case tooDeep
        /// The input is longer than `JSONLimits.maxBytes`, or a string longer than
        /// `JSONLimits.maxStringBytes`.
        case tooLarge
        /// A malformed number (leading zero, missing digits) or one too large for a Double.
        case invalidNumber
        /// A backslash escape that JSON does not define, bad hex digits, or a lone surrogate.
        case invalidEscape
        /// A raw control character (U+0000–U+001F) inside a string.
        case controlCharacter
        /// Something other than whitespace follows the document's value.
        case trailingData
        /// The input is empty or only whitespace.
        case empty
    }

    /// The kind of problem.
    public let code: Code
    /// Byte offset (0-based) of the offending byte; equals the input length when the input ended
    /// too early. For UTF-8 errors it is the first byte of the broken character, for escape
    /// errors the backslash, for a too-long string or a duplicate key the opening quote, for an
    /// overflowing number its first byte.
    public let offset: Int
    /// 1-based line of `offset` (lines end at `\n`).
    public let line: Int
    /// 1-based column of `offset`, counted in bytes; a skipped UTF-8 BOM is not counted.
    public let column: Int
    /// The explanation after the location, without any input beyond one character or byte.
    let detail: String
    /// True when `detail` is the whole message (the input-size check, which has no location).
    let detailIsWholeMessage: Bool

    init(_ code: Code, offset: Int, line: Int, column: Int, detail: String, wholeMessage: Bool = false) {
        self.code = code
        self.offset = offset
        self.line = line
        self.column = column
        self.detail = detail
        self.detailIsWholeMessage = wholeMessage
    }

    /// A one-line message saying what is wrong, where, and what to do about it.
    public var description: String {
        if detailIsWholeMessage { return detail }
        let location = "at byte \(offset) (line \(line), column \(column))"
        switch code {
        case .invalidUTF8:
            return "invalid UTF-8 \(location): \(detail); save the file as UTF-8"
        case .duplicateKey:
            return "duplicate key \(detail) \(location); each key may appear only once in an object"
        default:
            return "invalid JSON \(location): \(detail)"
        }
    }
}
