/// Literal syntax for building values in code and tests:
/// `let v: JSONValue = ["mission": "MINUSCA", "victims": [["ageBand": "15_17"]], "note": nil]`,
/// and interpolated strings: `["unit": "Battalion \(n)"]`.
/// Dictionary literals keep their written order; a key written twice is a programming error
/// (precondition failure).
extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByStringInterpolation, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements {
            precondition(!object.contains(key), "duplicate key \"\(key)\" in a JSONValue dictionary literal")
            object[key] = value
        }
        self = .object(object)
    }
}
