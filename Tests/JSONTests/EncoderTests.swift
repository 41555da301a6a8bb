import JSON
import Testing

@Test func escapesQuotesBackslashesAndEveryControlCharacter() {
    let controls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
    #expect(JSON.encode(.string(controls)) == "\""
        + "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
        + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
        + "\"")
    #expect(JSON.encode("say \"hi\" \\ or /") == "\"say \\\"hi\\\" \\\\ or /\"")
    #expect(JSON.encode(["k\"\n": "v"]) == "{\"k\\\"\\n\":\"v\"}")
}

@Test func leavesNonASCIIAndDELAsUTF8() {
    let text = "é€😀\u{7F}\u{2028}\u{10FFFF}"
    #expect(JSON.encodeBytes(.string(text)) == [0x22] + utf8(text) + [0x22])
    #expect(JSON.encode(.string(text)) == "\"\(text)\"")
}

@Test func writesIntegersExactlyAndDoublesShortest() {
    let cases: [(JSONValue, String)] = [
        (.int(0), "0"), (.int(-1), "-1"), (.int(.max), "9223372036854775807"), (.int(.min), "-9223372036854775808"),
        (.double(0.1), "0.1"), (.double(1), "1.0"), (.double(-0.0), "-0.0"), (.double(1e308), "1e+308"),
        (.double(.leastNonzeroMagnitude), "5e-324"), (.double(123456.789), "123456.789"), (.double(1e16), "1e+16"),
        (.double(.infinity), "null"), (.double(-.infinity), "null"), (.double(.nan), "null"),
    ]
    for (value, text) in cases {
        #expect(JSON.encode(value) == text)
    }
    #expect(JSON.encode([.double(.nan), .double(.infinity)]) == "[null,null]")
}

@Test func prettyPrintsWithTwoSpacesAndCompactEmptyContainers() {
    let value: JSONValue = ["name": "x", "list": [1, ["a": nil, "b": [:]], []], "empty": [:], "n": 2.5]
    #expect(JSON.encode(value, pretty: true) == """
        {
          "name": "x",
          "list": [
            1,
            {
              "a": null,
              "b": {}
            },
            []
          ],
          "empty": {},
          "n": 2.5
        }
        """)
    #expect(JSON.encode(value) == "{\"name\":\"x\",\"list\":[1,{\"a\":null,\"b\":{}},[]],\"empty\":{},\"n\":2.5}")
    #expect(JSON.encode([], pretty: true) == "[]")
    #expect(JSON.encode("top", pretty: true) == "\"top\"")
    #expect(JSON.encode([[]], pretty: true) == "[\n  []\n]")
}

@Test func sortsKeysByTheirUTF8BytesAtEveryLevel() {
    let value: JSONValue = ["b": 1, "é": 2, "a": ["z": 0, "y": 0], "B": 3, "aa": 4, "": 5]
    #expect(JSON.encode(value, sortedKeys: true)
        == "{\"\":5,\"B\":3,\"a\":{\"y\":0,\"z\":0},\"aa\":4,\"b\":1,\"é\":2}")
    #expect(JSON.encode(value) == "{\"b\":1,\"é\":2,\"a\":{\"z\":0,\"y\":0},\"B\":3,\"aa\":4,\"\":5}")
    #expect(JSON.encode(value, pretty: true, sortedKeys: true).hasPrefix("{\n  \"\": 5,\n  \"B\": 3,\n  \"a\": {\n    \"y\": 0,"))
}
