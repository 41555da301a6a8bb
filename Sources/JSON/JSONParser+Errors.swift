/// Building `JSONParseError`s: location, and a safe description of the offending byte.
extension JSONParser {
    /// An error of `code` at `offset`, with line and column worked out from the input.
    func error(_ code: JSONParseError.Code, at offset: Int, _ detail: String) -> JSONParseError {
        let (line, column) = location(of: offset)
        return JSONParseError(code, offset: offset, line: line, column: column, detail: detail)
    }

    /// 1-based line and byte column of `offset` (only computed when an error is thrown).
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = bomLength
        let end = min(max(offset, 0), bytes.count)
        var i = 0
        while i < end {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, max(1, offset - lineStart + 1))
    }

    /// The input ended where `expected` was needed.
    func endError(_ expected: String) -> JSONParseError {
        error(.unexpectedEnd, at: bytes.count, "\(expected), found the end of the input")
    }

    /// The byte at `index` is not what the grammar allows here. If it is a non-ASCII byte that
    /// does not start a valid UTF-8 character, that is the error reported instead (invariant 6).
    func unexpected(_ code: JSONParseError.Code, _ expected: String) -> JSONParseError {
        let byte = bytes[index]
        if byte >= 0x80 {
            switch scanUTF8(bytes, at: index) {
            case .invalid(let problem):
                return error(.invalidUTF8, at: index, problem.message)
            case .valid(_, let scalar):
                return error(code, at: index, "\(expected), found character \(codePoint(scalar))")
            }
        }
        return error(code, at: index, "\(expected), found \(describe(byte))\(hint(byte))")
    }

    /// The string whose opening quote is at `quote` is longer than `limits.maxStringBytes`.
    func stringTooLongError(at quote: Int) -> JSONParseError {
        error(.tooLarge, at: quote, "the string starting here is longer than the limit of \(limits.maxStringBytes) bytes")
    }

    /// `key` (cut to 32 characters, control characters escaped) appears twice in one object.
    func duplicateKeyError(_ key: String, at quote: Int) -> JSONParseError {
        var shown = ""
        for scalar in key.unicodeScalars.prefix(32) {
            shown += scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
                ? scalar.escaped(asASCII: true) : String(scalar)
        }
        if key.unicodeScalars.count > 32 { shown += "…" }
        return error(.duplicateKey, at: quote, "\"\(shown)\"")
    }

    /// `'x'` for printable ASCII, `a space`, else `byte 0x0A`.
    func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x20: return "a space"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte \(hex(byte))"
        }
    }

    /// Advice for common non-JSON habits, appended to an unexpected-byte message.
    private func hint(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "/"): return "; JSON does not allow comments"
        case UInt8(ascii: "'"): return "; JSON strings use double quotes"
        case UInt8(ascii: "N"), UInt8(ascii: "I"): return "; JSON has no NaN or Infinity"
        default: return ""
        }
    }
}
