/// Serialises a `JSONValue` as RFC 8259 text into a byte buffer.
///
/// Invariants:
/// 1. Output is valid UTF-8 JSON that parses back to an equal value (nesting limits aside),
///    except non-finite doubles, which are written as `null`.
/// 2. Strings: `"` and `\` get a backslash; U+0008, U+0009, U+000A, U+000C, U+000D are `\b \t \n
///    \f \r`; other U+0000–U+001F are `\u00xx` (lowercase hex); everything else, DEL and non-ASCII
///    included, is copied as UTF-8.
/// 3. Integers are written in full; doubles in Swift's shortest round-trip form, which always
///    has a `.` or an exponent, so a double reads back as a double.
/// 4. Compact output has no whitespace. Pretty output: two spaces per level, one element or
///    member per line, `"key": value`, empty `[]` and `{}` compact, no trailing newline.
/// 5. Keys come in object order, or with `sortedKeys` in ascending order of their UTF-8 bytes.
struct JSONWriter {
    private(set) var out: [UInt8] = []
    let pretty: Bool
    let sortedKeys: Bool

    init(pretty: Bool, sortedKeys: Bool) {
        self.pretty = pretty
        self.sortedKeys = sortedKeys
        out.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): writeInteger(i)
        case .double(let d):
            if d.isFinite { out.append(contentsOf: d.description.utf8) } else { append("null") }
        case .string(let s): writeString(s)
        case .array(let elements):
            guard !elements.isEmpty else { return append("[]") }
            out.append(UInt8(ascii: "["))
            for (n, element) in elements.enumerated() {
                separate(first: n == 0, indent: indent + 1)
                write(element, indent: indent + 1)
            }
            close(UInt8(ascii: "]"), indent: indent)
        case .object(let object):
            guard !object.isEmpty else { return append("{}") }
            out.append(UInt8(ascii: "{"))
            let keys = sortedKeys ? object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : object.keys
            for (n, key) in keys.enumerated() {
                separate(first: n == 0, indent: indent + 1)
                writeString(key)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                // Every key in `keys` is in `object` (JSONObject invariant).
                write(object[key] ?? .null, indent: indent + 1)
            }
            close(UInt8(ascii: "}"), indent: indent)
        }
    }

    private mutating func append(_ literal: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Before an element or member: `,` unless first; in pretty mode a newline and indentation.
    private mutating func separate(first: Bool, indent: Int) {
        if !first { out.append(UInt8(ascii: ",")) }
        if pretty { newline(indent: indent) }
    }

    private mutating func close(_ bracket: UInt8, indent: Int) {
        if pretty { newline(indent: indent) }
        out.append(bracket)
    }

    private mutating func newline(indent: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    private mutating func writeInteger(_ value: Int64) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    /// Copies runs that need no escape in one go; escapes per invariant 2.
    private mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                writeEscape(byte)
                runStart = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case 0x08: append("\\b")
        case 0x09: append("\\t")
        case 0x0A: append("\\n")
        case 0x0C: append("\\f")
        case 0x0D: append("\\r")
        case 0..<0x20:
            append("\\u00")
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        default:
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        }
    }

    private func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
