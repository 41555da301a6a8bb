/// String tokens: a fast path that validates in place and builds the String once, and a slow
/// path for strings with escapes that accumulates decoded bytes in `scratch`.
extension JSONParser {
    /// Reads a string token; `index` is at its opening quote and ends just past the closing one.
    mutating func parseString() throws(JSONParseError) -> String {
        let quote = index
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard index - start <= limits.maxStringBytes else { throw stringTooLongError(at: quote) }
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(quote: quote, start: start) }
            if byte < 0x20 { throw controlCharacterError() }
            index += byte < 0x80 ? 1 : try utf8Length()
        }
        throw endError("expected '\"' to close the string that starts at byte \(quote)")
    }

    /// Continues a string at its first backslash; `start` is just past the opening quote.
    private mutating func parseEscapedString(quote: Int, start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard scratch.count <= limits.maxStringBytes else { throw stringTooLongError(at: quote) }
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try appendEscape()
            case 0..<0x20:
                throw controlCharacterError()
            case 0x20..<0x80:
                scratch.append(byte)
                index += 1
            default:
                let length = try utf8Length()
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                index += length
            }
        }
        throw endError("expected '\"' to close the string that starts at byte \(quote)")
    }

    /// Length of the valid UTF-8 character at `index`, or the `invalidUTF8` error.
    @inline(__always)
    private func utf8Length() throws(JSONParseError) -> Int {
        switch scanUTF8(bytes, at: index) {
        case .valid(let length, _): return length
        case .invalid(let problem): throw error(.invalidUTF8, at: index, problem.message)
        }
    }

    private func controlCharacterError() -> JSONParseError {
        let byte = bytes[index]
        let advice: String
        switch byte {
        case 0x0A: advice = "write a line break as \\n"
        case 0x0D: advice = "write a carriage return as \\r"
        case 0x09: advice = "write a tab as \\t"
        default: advice = "write it as \\u00\(hex(byte).dropFirst(2))"
        }
        return error(.controlCharacter, at: index, "control character \(hex(byte)) is not allowed raw inside a string; \(advice)")
    }

    /// Decodes the escape at `index` (a backslash) into `scratch`.
    private mutating func appendEscape() throws(JSONParseError) {
        let escape = index
        guard index + 1 < bytes.count else { throw endError("expected an escape character after '\\'") }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4(escape: escape)
            switch scalar {
            case 0xD800...0xDBFF:
                let needLow = "expected '\\u' and the second half of a surrogate pair"
                guard index < bytes.count else { throw endError(needLow) }
                guard bytes[index] == UInt8(ascii: "\\") else { throw loneHighSurrogateError(scalar, at: escape) }
                guard index + 1 < bytes.count else { throw endError(needLow) }
                guard bytes[index + 1] == UInt8(ascii: "u") else { throw loneHighSurrogateError(scalar, at: escape) }
                index += 2
                let low = try readHex4(escape: index - 2)
                guard (0xDC00...0xDFFF).contains(low) else { throw loneHighSurrogateError(scalar, at: escape) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw error(.invalidEscape, at: escape,
                            "\\u\(hex4(scalar)) is the second half of a surrogate pair with no first half before it")
            default:
                break
            }
            appendUTF8(scalar)
        default:
            let found = letter < 0x80 ? describe(letter) : "byte \(hex(letter))"
            throw error(.invalidEscape, at: escape,
                        "expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX after '\\', found \(found)")
        }
    }

    /// Reads the four hex digits after `\u`; `escape` is the backslash, where errors point.
    private mutating func readHex4(escape: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw endError("expected 4 hex digits after '\\u'") }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                let found = byte < 0x80 ? describe(byte) : "byte \(hex(byte))"
                throw error(.invalidEscape, at: escape, "expected 4 hex digits after '\\u', found \(found)")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func hex4(_ value: UInt32) -> String {
        String(codePoint(value).dropFirst(2))
    }

    private func loneHighSurrogateError(_ high: UInt32, at escape: Int) -> JSONParseError {
        error(.invalidEscape, at: escape,
              "\\u\(hex4(high)) is the first half of a surrogate pair but no \\uDC00–\\uDFFF follows; write characters above U+FFFF as a pair such as \\uD83D\\uDE00")
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
