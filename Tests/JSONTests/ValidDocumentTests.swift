import JSON
import Testing

/// Documents the parser must accept, with the value each must produce.
let validDocuments: [(text: String, value: JSONValue)] = [
    ("null", nil), ("true", true), ("false", false), ("0", 0), ("-7", -7), ("\"\"", ""),
    ("[]", []), ("{}", [:]), (" \t\r\n[ ] \n", []),
    ("[1,2.5,\"x\",null,true,false,[],{}]", [1, 2.5, "x", nil, true, false, [], [:]]),
    ("{\"a\":{\"b\":{\"c\":[[[\"deep\"]]]}}}", ["a": ["b": ["c": [[["deep"]]]]]]),
    ("{ \"mission\" : \"MINUSCA\" , \"victims\" : [ { \"ageBand\" : \"15_17\" } ] }",
     ["mission": "MINUSCA", "victims": [["ageBand": "15_17"]]]),
    ("{\"\":\"empty key\",\" \":1}", ["": "empty key", " ": 1]),
    ("\"\u{7F} DEL and \u{FEFF} inside a string are fine\"", "\u{7F} DEL and \u{FEFF} inside a string are fine"),
    ("[\"é€😀\", \"\\u00e9\\u20AC\\ud83d\\ude00\"]", ["é€😀", "é€😀"]),
    ("{\"a\":1,\"A\":2,\"a \":3}", ["a": 1, "A": 2, "a ": 3]),
]

@Test func parsesValidDocumentsToTheExpectedValues() throws {
    for (text, expected) in validDocuments {
        #expect(try JSON.parse(text) == expected, "\(text)")
        #expect(try JSON.parse(utf8(text)) == expected, "\(text)")
    }
}

@Test func validDocumentsRoundTripThroughEveryEncoding() throws {
    for (text, _) in validDocuments {
        let value = try JSON.parse(text)
        for (pretty, sorted) in [(false, false), (true, false), (false, true), (true, true)] {
            let encoded = JSON.encode(value, pretty: pretty, sortedKeys: sorted)
            #expect(try JSON.parse(encoded) == value, "\(encoded)")
            #expect(JSON.encodeBytes(value, pretty: pretty, sortedKeys: sorted) == utf8(encoded))
            // Encoding is stable: what we wrote parses back to something that writes the same.
            #expect(JSON.encode(try JSON.parse(encoded), pretty: pretty, sortedKeys: sorted) == encoded)
        }
    }
}

@Test func keepsObjectKeyOrderFromTheSource() throws {
    let value = try JSON.parse("{\"z\":1,\"a\":2,\"m\":{\"y\":0,\"b\":0}}")
    #expect(value.objectValue?.keys == ["z", "a", "m"])
    #expect(value["m"]?.objectValue?.keys == ["y", "b"])
    #expect(JSON.encode(value) == "{\"z\":1,\"a\":2,\"m\":{\"y\":0,\"b\":0}}")
}

@Test func numbersBecomeIntWhenExactAndDoubleOtherwise() throws {
    let cases: [(String, JSONValue)] = [
        ("0", .int(0)), ("-0", .int(0)), ("123", .int(123)),
        ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
        ("9223372036854775808", .double(0x1p63)),
        ("-9223372036854775809", .double(-0x1p63)),
        ("100000000000000000000000000000", .double(1e29)),
        ("0.1", .double(0.1)), ("1.0", .double(1)), ("1E2", .double(100)), ("1e-2", .double(0.01)),
        ("-1.5e+3", .double(-1500)), ("1e308", .double(1e308)), ("-1e308", .double(-1e308)),
        ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)), ("5e-324", .double(.leastNonzeroMagnitude)),
        ("1e-400", .double(0)), ("0e0", .double(0)), ("0.000001", .double(0.000001)),
    ]
    for (text, expected) in cases {
        let value = try JSON.parse(text)
        #expect(value == expected, "\(text)")
        #expect(value.typeName == expected.typeName, "\(text)")
    }
    #expect(try JSON.parse("-0.0").doubleValue?.sign == .minus)
    #expect(parseFailure(utf8("1e309"))?.code == .invalidNumber)
    #expect(parseFailure(utf8("-1.8e308"))?.code == .invalidNumber)
    #expect(parseFailure(utf8("1e309"))?.description
        == "invalid JSON at byte 0 (line 1, column 1): the number is too large for a 64-bit floating-point value (the limit is about 1.8e308)")
}

@Test func decodesEveryEscape() throws {
    #expect(try JSON.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"") == "\"\\/\u{8}\u{C}\n\r\t")
    #expect(try JSON.parse("\"\\u0000\"") == "\u{0}")
    #expect(try JSON.parse("\"a\\u0000b\"").stringValue?.utf8.count == 3)
    #expect(try JSON.parse("\"\\u00e9\\u00E9\\u0041\"") == "ééA")
    #expect(try JSON.parse("\"\\uD83D\\uDE00\"") == "😀")
    #expect(try JSON.parse("\"\\uDBFF\\uDFFF\"").stringValue?.unicodeScalars.first?.value == 0x10FFFF)
    #expect(try JSON.parse("\"\\uD800\\uDC00\"").stringValue?.unicodeScalars.first?.value == 0x10000)
    #expect(try JSON.parse("\"\\uFFFF\\u07FF\\u0080\"").stringValue?.unicodeScalars.map(\.value) == [0xFFFF, 0x7FF, 0x80])
    #expect(try JSON.parse("\"plain é \\n then 😀 \\\" end\"") == "plain é \n then 😀 \" end")
    #expect(try JSON.parse("{\"k\\ney\":1}").objectValue?.keys == ["k\ney"])
}

@Test func subscriptsReadObjectsAndArrays() throws {
    let report = try JSON.parse("{\"victims\":[{\"ageBand\":\"15_17\"},{\"ageBand\":\"unknown\"}],\"n\":1}")
    #expect(report["victims"]?[1]?["ageBand"]?.stringValue == "unknown")
    #expect(report["missing"] == nil)
    #expect(report["victims"]?[2] == nil)
    #expect(report["victims"]?[-1] == nil)
    #expect(report[0] == nil)
    #expect(report["n"]?["x"] == nil)
    #expect(JSONValue.string("s")["s"] == nil)
}

@Test func literalsBuildTheSameValuesAsTheCases() {
    let unit = 7
    let value: JSONValue = ["z": nil, "a": true, "m": 1, "d": 2.5, "s": "x", "i": "Battalion \(unit)", "l": [1, "two"]]
    let expected = JSONObject(pairs: [("z", .null), ("a", .bool(true)), ("m", .int(1)), ("d", .double(2.5)),
                                      ("s", .string("x")), ("i", .string("Battalion 7")),
                                      ("l", .array([.int(1), .string("two")]))])
    #expect(value == .object(expected))
    #expect(value.objectValue?.keys == ["z", "a", "m", "d", "s", "i", "l"])
}
