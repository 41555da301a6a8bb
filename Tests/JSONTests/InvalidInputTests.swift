import JSON
import Testing

/// One input the parser must refuse, with the exact error code and offset.
struct Rejection: Sendable, CustomTestStringConvertible {
    let input: [UInt8]
    let code: JSONParseError.Code
    let offset: Int
    let testDescription: String

    init(_ text: String, _ code: JSONParseError.Code, _ offset: Int) {
        self.input = utf8(text)
        self.code = code
        self.offset = offset
        self.testDescription = text.debugDescription
    }

    init(bytes: [UInt8], _ code: JSONParseError.Code, _ offset: Int) {
        self.input = bytes
        self.code = code
        self.offset = offset
        self.testDescription = bytes.map { String($0, radix: 16) }.joined(separator: " ")
    }
}

let grammarRejections: [Rejection] = [
    // Structure, trailing commas, comments, quotes.
    Rejection("{\"a\":1,}", .unexpectedByte, 7),
    Rejection("[1,]", .unexpectedByte, 3),
    Rejection("[1,2,]", .unexpectedByte, 5),
    Rejection("[1 2]", .unexpectedByte, 3),
    Rejection("{\"a\" 1}", .unexpectedByte, 5),
    Rejection("{\"a\":1 \"b\":2}", .unexpectedByte, 7),
    Rejection("{a:1}", .unexpectedByte, 1),
    Rejection("{'a':1}", .unexpectedByte, 1),
    Rejection("{,}", .unexpectedByte, 1),
    Rejection("[,1]", .unexpectedByte, 1),
    Rejection("[1}", .unexpectedByte, 2),
    Rejection("{\"a\":1]", .unexpectedByte, 6),
    Rejection("]", .unexpectedByte, 0),
    Rejection("/* c */ 1", .unexpectedByte, 0),
    Rejection("[1] // c", .trailingData, 4),
    Rejection("{\"a\":1}}", .trailingData, 7),
    Rejection("1 2", .trailingData, 2),
    Rejection("{} x", .trailingData, 3),
    Rejection("1\u{0}", .trailingData, 1),
    Rejection("\u{0C}1", .unexpectedByte, 0),   // form feed is not JSON whitespace
    Rejection("[\u{FEFF}1]", .unexpectedByte, 1),  // a BOM is skipped only at the very start
    // Literals.
    Rejection("NaN", .unexpectedByte, 0),
    Rejection("Infinity", .unexpectedByte, 0),
    Rejection("True", .unexpectedByte, 0),
    Rejection("tru", .unexpectedEnd, 3),
    Rejection("trUe", .unexpectedByte, 2),
    Rejection("nul", .unexpectedEnd, 3),
    Rejection("[nulL]", .unexpectedByte, 4),
    // Numbers.
    Rejection("-Infinity", .invalidNumber, 1),
    Rejection("01", .invalidNumber, 0),
    Rejection("-01", .invalidNumber, 1),
    Rejection("[00]", .invalidNumber, 1),
    Rejection("1.", .unexpectedEnd, 2),
    Rejection("1.e3", .invalidNumber, 2),
    Rejection("1e", .unexpectedEnd, 2),
    Rejection("1e+", .unexpectedEnd, 3),
    Rejection("[1e]", .invalidNumber, 3),
    Rejection("[1.5E+x]", .invalidNumber, 6),
    Rejection(".5", .unexpectedByte, 0),
    Rejection("+1", .unexpectedByte, 0),
    Rejection("-", .unexpectedEnd, 1),
    Rejection("[-]", .invalidNumber, 2),
    Rejection("1e309", .invalidNumber, 0),
    Rejection("[0, -1e400]", .invalidNumber, 4),
    Rejection("1" + String(repeating: "0", count: 400), .invalidNumber, 0),
    // Strings and escapes.
    Rejection("\"abc", .unexpectedEnd, 4),
    Rejection("\"a\nb\"", .controlCharacter, 2),
    Rejection("\"a\tb\"", .controlCharacter, 2),
    Rejection("[\"\u{0}\"]", .controlCharacter, 2),
    Rejection("\"\\x\"", .invalidEscape, 1),
    Rejection("\"\\'\"", .invalidEscape, 1),
    Rejection("\"ab\\u12G4\"", .invalidEscape, 3),
    Rejection("\"\\u00\"", .invalidEscape, 1),
    Rejection("\"\\u00", .unexpectedEnd, 5),
    Rejection("\"\\", .unexpectedEnd, 2),
    Rejection("\"\\uD800\"", .invalidEscape, 1),
    Rejection("\"\\uDC00\"", .invalidEscape, 1),
    Rejection("\"\\uDFFF\\uD800\"", .invalidEscape, 1),
    Rejection("\"\\uD800\\u0041\"", .invalidEscape, 1),
    Rejection("\"\\uD800\\n\"", .invalidEscape, 1),
    Rejection("\"ab\\uD83D\"", .invalidEscape, 3),
    Rejection("\"\\uD83D\\uDE00\\uD83D\"", .invalidEscape, 13),
    Rejection("\"\\uD800", .unexpectedEnd, 7),
    // Keys.
    Rejection("{\"a\":1,\"a\":2}", .duplicateKey, 7),
    Rejection("{\"a\":{\"b\":1, \"b\":2}}", .duplicateKey, 13),
    Rejection("{\"\\u0061\":1,\"a\":2}", .duplicateKey, 12),  // equal once unescaped
    // Truncation and emptiness.
    Rejection("[", .unexpectedEnd, 1),
    Rejection("{", .unexpectedEnd, 1),
    Rejection("{\"a\"", .unexpectedEnd, 4),
    Rejection("{\"a\":", .unexpectedEnd, 5),
    Rejection("{\"a\":1", .unexpectedEnd, 6),
    Rejection("[1,", .unexpectedEnd, 3),
    Rejection("", .empty, 0),
    Rejection("  \n\t\r", .empty, 5),
    Rejection(bytes: [0xEF, 0xBB, 0xBF], .empty, 3),
    Rejection(bytes: [0xEF, 0xBB, 0xBF, 0x20], .empty, 4),
]

@Test(arguments: grammarRejections)
func rejectsWithExactCodeAndOffset(_ rejection: Rejection) {
    let error = parseFailure(rejection.input)
    #expect(error?.code == rejection.code)
    #expect(error?.offset == rejection.offset)
}

@Test func trailingCommaAndMismatchMessagesSayWhatToDo() {
    #expect(parseFailure(utf8("{\"a\":1,}"))?.description
        == "invalid JSON at byte 7 (line 1, column 8): found '}' after ','; remove the trailing ','")
    #expect(parseFailure(utf8("{\n  \"a\": 1,\n  \"b\": 2 x\n}"))?.description
        == "invalid JSON at byte 21 (line 3, column 10): expected ',' or '}' after a member of an object, found 'x'")
    #expect(parseFailure(utf8("[1, // two\n 2]"))?.description
        == "invalid JSON at byte 4 (line 1, column 5): expected a value (object, array, string, number, true, false or null), found '/'; JSON does not allow comments")
    #expect(parseFailure(utf8("[1,é]"))?.description
        == "invalid JSON at byte 3 (line 1, column 4): expected a value (object, array, string, number, true, false or null), found character U+00E9")
}

@Test func duplicateKeyMessageNamesTheKeyButNotMoreThan32Characters() {
    let doc = utf8("{\"mission\":\"MINUSCA\",\"channel\":\"hotline\",\"mission\":\"x\"}")
    let error = parseFailure(doc)
    #expect(error?.description
        == "duplicate key \"mission\" at byte 41 (line 1, column 42); each key may appear only once in an object")
    let long = String(repeating: "k", count: 40)
    let message = parseFailure(utf8("{\"\(long)\":1,\"\(long)\":2}"))?.description ?? ""
    #expect(message.hasPrefix("duplicate key \"\(String(repeating: "k", count: 32))…\" at byte 46"))
    #expect(parseFailure(utf8("{\"a\\nb\":1,\"a\\nb\":2}"))?.description.hasPrefix("duplicate key \"a\\nb\"") == true)
}

@Test func messagesNeverEchoTheDocument() {
    let secret = "Survivor Name 0700123456"
    let inputs = ["{\"narrative\":\"\(secret)\", x}", "{\"narrative\":\"\(secret)\u{1}\"}",
                  "{\"narrative\":\"\(secret)\\q\"}", "[\"\(secret)\" \"\(secret)\"]", "\"\(secret)"]
    for input in inputs {
        let message = parseFailure(utf8(input))?.description ?? "accepted"
        #expect(message != "accepted")
        #expect(!message.contains("Survivor") && !message.contains("0700"), "\(message)")
    }
}

@Test func lineAndColumnCountBytesAfterTheBOM() throws {
    let error = try #require(parseFailure([0xEF, 0xBB, 0xBF] + utf8("[1,\n\"é\",\n  x]")))
    #expect(error.offset == 15)
    #expect(error.line == 3 && error.column == 3)
    let end = try #require(parseFailure(utf8("[1,\n2")))
    #expect(end.code == .unexpectedEnd && end.offset == 5 && end.line == 2 && end.column == 2)
}
