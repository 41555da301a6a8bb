import JSON
import Testing

/// Every class of malformed UTF-8, inside a string (offset 1) and elsewhere.
let utf8Rejections: [Rejection] = [
    // A continuation byte where a character must start.
    Rejection(bytes: [0x22, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xBF, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0x61, 0xC3, 0xA9, 0xA9, 0x22], .invalidUTF8, 4),  // é then a stray continuation
    // Overlong encodings.
    Rejection(bytes: [0x22, 0xC0, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xC1, 0xBF, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xE0, 0x80, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xE0, 0x9F, 0xBF, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xF0, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], .invalidUTF8, 1),
    // UTF-16 surrogates encoded in UTF-8.
    Rejection(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], .invalidUTF8, 1),
    // Above U+10FFFF.
    Rejection(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xF7, 0xBF, 0xBF, 0xBF, 0x22], .invalidUTF8, 1),
    // Bytes that never occur.
    Rejection(bytes: [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xFE, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xFF, 0x22], .invalidUTF8, 1),
    // Truncated: by the closing quote, by another character, by the end of the input.
    Rejection(bytes: [0x22, 0xC3, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xE2, 0x82, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xF0, 0x9F, 0x98, 0x41, 0x22], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xE2, 0x82], .invalidUTF8, 1),
    Rejection(bytes: [0x22, 0xF0], .invalidUTF8, 1),
    // In a string with escapes (the slow path) and in a key.
    Rejection(bytes: utf8("\"\\n") + [0xFF] + utf8("\""), .invalidUTF8, 3),
    Rejection(bytes: utf8("{\"k") + [0xED, 0xA0, 0x80] + utf8("\":1}"), .invalidUTF8, 3),
    // Outside strings: where a value, a separator or the end is expected.
    Rejection(bytes: [0xFF], .invalidUTF8, 0),
    Rejection(bytes: [0xEF, 0xBB], .invalidUTF8, 0),  // a cut-off BOM
    Rejection(bytes: utf8("[1,") + [0xC0, 0xAF] + utf8("]"), .invalidUTF8, 3),
    Rejection(bytes: utf8("[1") + [0x80] + utf8("]"), .invalidUTF8, 2),
    Rejection(bytes: utf8("1 ") + [0xF4, 0x90, 0x80, 0x80], .invalidUTF8, 2),
    Rejection(bytes: utf8("-") + [0xE0, 0x80, 0x80], .invalidUTF8, 1),
]

@Test(arguments: utf8Rejections)
func rejectsMalformedUTF8AtTheBrokenCharacter(_ rejection: Rejection) {
    let error = parseFailure(rejection.input)
    #expect(error?.code == rejection.code)
    #expect(error?.offset == rejection.offset)
    #expect(error?.description.hasSuffix("; save the file as UTF-8") == true)
}

@Test func utf8MessagesNameTheProblem() {
    #expect(parseFailure(utf8("{\"mission\":\"") + [0xFF] + utf8("\"}"))?.description
        == "invalid UTF-8 at byte 12 (line 1, column 13): byte 0xFF cannot start a character; save the file as UTF-8")
    let cases: [([UInt8], String)] = [
        ([0x22, 0x80, 0x22], "byte 0x80 is a continuation byte and cannot start a character"),
        ([0x22, 0xC0, 0x80, 0x22], "byte 0xC0 starts an overlong encoding"),
        ([0x22, 0xE0, 0x80, 0x80, 0x22], "the character starting with byte 0xE0 is an overlong encoding"),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "encodes a UTF-16 surrogate"),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "encodes a code point above U+10FFFF"),
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], "byte 0xF5 would start a code point above U+10FFFF"),
        ([0x22, 0xE2, 0x82, 0x22], "byte 0xE2 starts a 3-byte character but byte 0x22 after it is not a continuation byte"),
        ([0x22, 0xE2, 0x82], "byte 0xE2 starts a 3-byte character but the input ends before it is complete"),
    ]
    for (input, fragment) in cases {
        let message = parseFailure(input)?.description ?? "accepted"
        #expect(message.contains(fragment), "\(message)")
    }
}

@Test func acceptsEveryBoundaryOfWellFormedUTF8() throws {
    let boundaries: [(bytes: [UInt8], scalar: UInt32)] = [
        ([0x7F], 0x7F), ([0xC2, 0x80], 0x80), ([0xDF, 0xBF], 0x7FF), ([0xE0, 0xA0, 0x80], 0x800),
        ([0xED, 0x9F, 0xBF], 0xD7FF), ([0xEE, 0x80, 0x80], 0xE000), ([0xEF, 0xBF, 0xBF], 0xFFFF),
        ([0xF0, 0x90, 0x80, 0x80], 0x10000), ([0xF4, 0x8F, 0xBF, 0xBF], 0x10FFFF),
    ]
    for (bytes, scalar) in boundaries {
        let value = try JSON.parse([0x22] + bytes + [0x22])
        #expect(value.stringValue?.unicodeScalars.map(\.value) == [scalar])
        // Also through the escape path, and as a key.
        let escaped = try JSON.parse(utf8("\"\\t") + bytes + [0x22])
        #expect(escaped.stringValue?.unicodeScalars.map(\.value) == [0x09, scalar])
        let object = try JSON.parse(utf8("{\"") + bytes + utf8("\":true}"))
        #expect(object.objectValue?.keys.first?.unicodeScalars.map(\.value) == [scalar])
    }
}

@Test func skipsALeadingByteOrderMark() throws {
    #expect(try JSON.parse([0xEF, 0xBB, 0xBF] + utf8("{\"a\":[1]}")) == ["a": [1]])
    #expect(try JSON.parse("\u{FEFF}\"x\"") == "x")
    // Only one BOM, and only at the start.
    #expect(parseFailure([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + utf8("1"))?.code == .unexpectedByte)
    #expect(parseFailure([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + utf8("1"))?.offset == 3)
}
