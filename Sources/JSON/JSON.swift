/// Strict RFC 8259 JSON: `parse` turns bytes or text into a `JSONValue`, `encode` turns a value
/// back into text. Neither uses Foundation.
///
/// Parsing accepts exactly RFC 8259 in strict UTF-8, with one leniency: a UTF-8 byte order mark
/// at the very start is skipped (files saved by Windows editors). It refuses duplicate keys
/// (keys with the same UTF-8 bytes once unescaped; canonically equivalent spellings such as
/// precomposed `é` and `e` + U+0301 are different keys, see `UTF8Key`), comments,
/// trailing commas, single quotes, NaN/Infinity, leading zeros, lone surrogate escapes, raw
/// control characters in strings, anything but whitespace after the value, empty input, and input
/// beyond `JSONLimits`. Numbers with no fraction or exponent that fit in Int64 become `.int`
/// (`-0` becomes `.int(0)`); others `.double`; a number beyond the Double range is refused.
/// Nesting is tracked without recursion, so any `maxDepth` is safe for the parser.
public enum JSON {
    /// Parses one JSON document from UTF-8 bytes.
    /// - Throws: `JSONParseError` locating the first problem in the input.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        try result(bytes, limits: limits).get()
    }

    /// Parses one JSON document from a String (read as its UTF-8 bytes).
    /// - Throws: `JSONParseError` locating the first problem; offsets count UTF-8 bytes.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        let result = text.utf8.withContiguousStorageIfAvailable { parse(buffer: $0, limits: limits) }
        return try (result ?? self.result(Array(text.utf8), limits: limits)).get()
    }

    /// Encodes `value` as RFC 8259 JSON text.
    ///
    /// Strings escape `"`, `\` and control characters (`\n \t \r \b \f`, others `\u00XX`) and keep
    /// all other characters as UTF-8. Integers are exact; doubles use the shortest form that reads
    /// back to the same Double (`0.1`, `1.0`, `1e+308`). A non-finite double (which the parser never
    /// produces, but code can build) is written as `null`, since JSON cannot express it.
    /// - Parameters:
    ///   - pretty: two-space indentation, one member or element per line, `"key": value`; empty
    ///     `{}` and `[]` stay compact; no trailing newline.
    ///   - sortedKeys: object keys in ascending order of their UTF-8 bytes (code point order)
    ///     instead of the object's own order.
    public static func encode(_ value: JSONValue, pretty: Bool = false, sortedKeys: Bool = false) -> String {
        String(decoding: encodeBytes(value, pretty: pretty, sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// `encode`, as UTF-8 bytes.
    public static func encodeBytes(_ value: JSONValue, pretty: Bool = false, sortedKeys: Bool = false) -> [UInt8] {
        var writer = JSONWriter(pretty: pretty, sortedKeys: sortedKeys)
        writer.write(value, indent: 0)
        return writer.out
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) -> JSONValue in
            var parser = JSONParser(bytes: buffer, limits: limits)
            return try parser.parseDocument()
        }
    }

    private static func result(_ bytes: [UInt8], limits: JSONLimits) -> Result<JSONValue, JSONParseError> {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }
    }
}
