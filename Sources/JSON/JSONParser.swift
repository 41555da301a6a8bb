/// The RFC 8259 parser: one pass over a byte buffer with an index, no per-character Strings.
///
/// Invariants:
/// 1. The grammar is RFC 8259 exactly: no comments, trailing commas, single quotes, NaN or
///    Infinity, leading zeros or `+` signs; whitespace is only space, `\t`, `\n`, `\r`; one value
///    per document, followed only by whitespace.
/// 2. Every byte of an accepted document has been checked: outside strings only ASCII grammar
///    bytes are allowed, inside strings each character is validated as strict UTF-8
///    (UTF8Validation.swift). So an accepted input is valid UTF-8.
/// 3. A UTF-8 BOM (`EF BB BF`) at offset 0 is skipped (files saved by Windows editors); anywhere
///    else U+FEFF is an unexpected character. Offsets still count the BOM; columns do not.
/// 4. `limits.maxBytes` is checked before any byte is read; nesting is held on an explicit stack,
///    so no input can overflow the call stack, and never grows past `limits.maxDepth`.
/// 5. Object keys are checked for duplicates as they are read (the error points at the second
///    occurrence's opening quote). Keys compare by their UTF-8 bytes once unescaped (`UTF8Key`,
///    linear in the bytes whatever the text), so canonically equivalent keys (precomposed `é`
///    and `e` + U+0301) are two keys, as RFC 8259 §8.3 compares them.
/// 6. The first error in reading order is reported; a non-ASCII byte where the grammar expects
///    something else is reported as `invalidUTF8` if it does not start a valid character.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits
    /// 3 when the input starts with a UTF-8 BOM, else 0.
    let bomLength: Int
    var index: Int
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        self.bomLength = hasBOM ? 3 : 0
        self.index = bomLength
    }

    /// One array or object still open, with what has been read into it so far.
    private struct Frame {
        let isObject: Bool
        var elements: [JSONValue] = []
        var object = JSONObject()
        /// For an object: the key whose value is being read.
        var key = ""
    }

    /// Parses the whole input as one JSON document.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            let (line, column) = location(of: limits.maxBytes)
            throw JSONParseError(.tooLarge, offset: max(0, limits.maxBytes), line: line, column: column,
                                 detail: "input is \(bytes.count) bytes; the limit is \(limits.maxBytes) bytes",
                                 wholeMessage: true)
        }
        skipWhitespace()
        guard index < bytes.count else {
            throw error(.empty, at: index, bytes.count == bomLength
                ? "the input is empty; expected a JSON value"
                : "the input holds only whitespace; expected a JSON value")
        }
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw unexpected(.trailingData, "expected the end of the input after the JSON value (a document holds one value)")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Reads one value and everything nested in it; `index` is at its first byte.
    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        var stack: [Frame] = []
        readValue: while true {
            var value: JSONValue
            guard index < bytes.count else { throw endError("expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = bytes[index] == UInt8(ascii: "{")
                guard stack.count < limits.maxDepth else {
                    throw error(.tooDeep, at: index,
                                "arrays and objects nest more than \(limits.maxDepth) levels deep; flatten the document")
                }
                index += 1
                skipWhitespace()
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if index < bytes.count && bytes[index] == close {
                    index += 1
                    value = isObject ? .object(JSONObject()) : .array([])
                } else {
                    var frame = Frame(isObject: isObject)
                    if isObject { frame.key = try parseKey(afterComma: false) }
                    stack.append(frame)
                    continue readValue
                }
            case UInt8(ascii: "\""): value = .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try parseNumber()
            case UInt8(ascii: "t"): try expectLiteral("true"); value = .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); value = .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); value = .null
            default: throw unexpected(.unexpectedByte, "expected a value (object, array, string, number, true, false or null)")
            }
            // `value` is complete: add it to the innermost open container, closing those that end here.
            while !stack.isEmpty {
                let top = stack.count - 1
                skipWhitespace()
                let isObject = stack[top].isObject
                if isObject {
                    let key = stack[top].key
                    stack[top].object[key] = value
                } else {
                    stack[top].elements.append(value)
                }
                let what = isObject ? "expected ',' or '}' after a member of an object"
                                    : "expected ',' or ']' after an element of an array"
                guard index < bytes.count else { throw endError(what) }
                switch bytes[index] {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                    if isObject {
                        let keyStart = index
                        let key = try parseKey(afterComma: true)
                        guard !stack[top].object.contains(key) else { throw duplicateKeyError(key, at: keyStart) }
                        stack[top].key = key
                    } else if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                        throw error(.unexpectedByte, at: index, "found ']' after ','; remove the trailing ','")
                    }
                    continue readValue
                case UInt8(ascii: "}") where isObject:
                    index += 1
                    value = .object(stack.removeLast().object)
                case UInt8(ascii: "]") where !isObject:
                    index += 1
                    value = .array(stack.removeLast().elements)
                default:
                    throw unexpected(.unexpectedByte, what)
                }
            }
            return value
        }
    }

    /// Reads `"key"`, the `:` after it and the whitespace after that; `index` is at the key.
    private mutating func parseKey(afterComma: Bool) throws(JSONParseError) -> String {
        guard index < bytes.count else { throw endError("expected a key in double quotes") }
        guard bytes[index] == UInt8(ascii: "\"") else {
            if afterComma && bytes[index] == UInt8(ascii: "}") {
                throw error(.unexpectedByte, at: index, "found '}' after ','; remove the trailing ','")
            }
            throw unexpected(.unexpectedByte, afterComma ? "expected a key in double quotes"
                                                         : "expected a key in double quotes or '}'")
        }
        let key = try parseString()
        skipWhitespace()
        guard index < bytes.count else { throw endError("expected ':' after an object key") }
        guard bytes[index] == UInt8(ascii: ":") else { throw unexpected(.unexpectedByte, "expected ':' after an object key") }
        index += 1
        skipWhitespace()
        return key
    }

    /// Consumes `word` (`true`, `false` or `null`); `index` is at its first byte.
    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        for k in 0..<word.utf8CodeUnitCount {
            guard index < bytes.count else { throw endError("expected '\(word)'") }
            guard bytes[index] == word.utf8Start[k] else { throw unexpected(.unexpectedByte, "expected '\(word)'") }
            index += 1
        }
    }
}
