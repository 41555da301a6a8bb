import JSON
import Testing

private func nested(_ depth: Int, open: String = "[", close: String = "]", inner: String = "") -> [UInt8] {
    utf8(String(repeating: open, count: depth) + inner + String(repeating: close, count: depth))
}

@Test func depthExactlyAtTheLimitIsAcceptedAndOneMoreIsNot() throws {
    _ = try JSON.parse(nested(64))
    let error = try #require(parseFailure(nested(65)))
    #expect(error.code == .tooDeep && error.offset == 64)
    #expect(error.description.contains("more than 64 levels deep"))

    let objects = nested(64, open: "{\"a\":", close: "}", inner: "1")
    _ = try JSON.parse(objects)
    let deeper = nested(65, open: "{\"a\":", close: "}", inner: "1")
    #expect(parseFailure(deeper)?.code == .tooDeep)
    #expect(parseFailure(deeper)?.offset == 64 * 5)
}

@Test func depthLimitIsConfigurableAndCountsEmptyContainers() throws {
    let three = JSONLimits(maxDepth: 3)
    _ = try JSON.parse(utf8("[{\"a\":[1]}]"), limits: three)
    #expect(parseFailure(utf8("[{\"a\":[[]]}]"), limits: three)?.offset == 7)
    let zero = JSONLimits(maxDepth: 0)
    #expect(try JSON.parse(utf8("\"flat\""), limits: zero) == "flat")
    #expect(parseFailure(utf8("[]"), limits: zero)?.code == .tooDeep)
    #expect(parseFailure(utf8("{}"), limits: zero)?.offset == 0)
}

@Test func deepNestingDoesNotUseTheCallStack() throws {
    // The parser keeps open containers on its own stack, so a generous limit is safe.
    let value = try JSON.parse(nested(2000), limits: JSONLimits(maxDepth: 2000))
    var depth = 0
    var current = value
    while let inner = current[0] { depth += 1; current = inner }
    #expect(depth == 1999 && current == [])
}

@Test func inputSizeIsCheckedBeforeParsing() throws {
    let limits = JSONLimits(maxBytes: 10)
    _ = try JSON.parse(utf8("\"abcdefgh\""), limits: limits)
    // Over the limit, even though the excess is garbage that parsing would reject.
    let error = try #require(parseFailure(utf8("\"abcdefgh\"\u{1}"), limits: limits))
    #expect(error.code == .tooLarge && error.offset == 10)
    #expect(error.description == "input is 11 bytes; the limit is 10 bytes")

    let big = utf8("\"" + String(repeating: "x", count: (1 << 20) - 1) + "\"")
    #expect(parseFailure(big)?.code == .tooLarge)
    #expect(parseFailure(big)?.description == "input is 1048577 bytes; the limit is 1048576 bytes")
    #expect(parseFailure(big, limits: JSONLimits(maxBytes: 1 << 21)) == nil)
}

@Test func stringLengthLimitCountsDecodedBytes() throws {
    let limits = JSONLimits(maxStringBytes: 4)
    #expect(try JSON.parse(utf8("[\"abcd\", \"\\u0041bc\\n\", \"éé\"]"), limits: limits) == ["abcd", "Abc\n", "éé"])
    #expect(parseFailure(utf8("[\"ok\", \"abcde\"]"), limits: limits)?.code == .tooLarge)
    #expect(parseFailure(utf8("[\"ok\", \"abcde\"]"), limits: limits)?.offset == 7)
    #expect(parseFailure(utf8("\"\\n\\n\\n\\n\\n\""), limits: limits)?.code == .tooLarge)
    #expect(parseFailure(utf8("{\"abcde\":1}"), limits: limits)?.offset == 1)
    #expect(parseFailure(utf8("\"ééé\""), limits: limits)?.code == .tooLarge)
}
