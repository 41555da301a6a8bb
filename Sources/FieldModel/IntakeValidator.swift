import JSON
import Linkage

/// Reads JSON fields against the contract, collecting every issue instead of stopping at the
/// first. Each reader returns nil when the field is absent or wrong; a nil for a required field
/// always comes with an issue.
struct IntakeValidator {
    private(set) var issues: [ValidationIssue] = []
    /// The mission's linkage key, when this laptop has one (`Intake.validate`).
    var linkageKey: LinkageKey?
    private var dropped = 0

    mutating func fail(_ code: ValidationIssue.Code, _ path: String, _ message: String) {
        if issues.count < Intake.maxIssues { issues.append(ValidationIssue(code, path: path, message)) } else { dropped += 1 }
    }

    /// The issues, with a closing summary when some were left out.
    var allIssues: [ValidationIssue] {
        guard dropped > 0 else { return issues }
        return issues + [ValidationIssue(.tooMany, path: "",
                                         "and \(dropped) more issues; fix the ones above and validate again")]
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// "a string", "an array", "null": the JSON type of a value, for "found …".
    static func article(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Reports a missing required field; returns nil so callers can `return missing(...)`.
    mutating func missing<T>(_ path: String, _ hint: String?) -> T? {
        if let hint { fail(.required, path, "required; " + hint) }
        return nil
    }

    /// Opens an object: checks its type and reports every unknown field by name. Names are
    /// matched by UTF-8 bytes (`containsUTF8`): String `==` on a hostile name is quadratic.
    /// `hint` nil means optional.
    mutating func object(_ value: JSONValue?, _ path: String, fields: [String], hint: String?) -> JSONObject? {
        guard let value else { return missing(path, hint) }
        guard case .object(let object) = value else {
            fail(.wrongType, path, "expected an object, found \(Self.article(value))")
            return nil
        }
        let allowed = fields.joined(separator: ", ")
        for key in object.keys where !fields.containsUTF8(key) {
            fail(.unknownField, Self.join(path, key), "unknown field; allowed fields are \(allowed)")
        }
        return object
    }

    /// A member of `object` read by `extract`; a missing one is reported when `hint` is given
    /// (required), one `extract` cannot read as "expected `expected`, found …".
    private mutating func member<T>(_ object: JSONObject, _ key: String, _ path: String, hint: String?,
                                    expected: String, _ extract: (JSONValue) -> T?) -> T? {
        let path = Self.join(path, key)
        guard let value = object[key] else { return missing(path, hint) }
        guard let result = extract(value) else {
            fail(.wrongType, path, "expected \(expected), found \(Self.article(value))")
            return nil
        }
        return result
    }

    /// A required or optional string, type-checked only.
    mutating func rawString(_ object: JSONObject, _ key: String, _ path: String, hint: String?) -> String? {
        member(object, key, path, hint: hint, expected: "a string") { $0.stringValue }
    }

    /// Free text: no control characters (line breaks and tabs only when `multiline`), at most
    /// `maxLength` characters, not blank. Returned trimmed unless `multiline`.
    mutating func text(_ object: JSONObject, _ key: String, _ path: String, hint: String?,
                       maxLength: Int, multiline: Bool = false) -> String? {
        guard let text = rawString(object, key, path, hint: hint) else { return nil }
        let path = Self.join(path, key)
        if let (offset, scalar) = firstControlCharacter(text, multiline: multiline) {
            let allowed = multiline ? "; only line breaks (\\n) and tabs are allowed" : "; remove it"
            fail(.controlCharacter, path,
                 "contains a control character (U+\(hex4(scalar.value))) at character \(offset + 1)" + allowed)
            return nil
        }
        let length = text.unicodeScalars.count
        if length > maxLength {
            fail(.tooLong, path, "is \(length) characters long; the limit is \(maxLength), shorten it")
            return nil
        }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            fail(.tooShort, path, "must not be blank" + (hint.map { "; " + $0 } ?? "; leave it out instead"))
            return nil
        }
        return multiline ? text : trimmed(text)
    }

    /// A wire enumeration value.
    mutating func enumeration<E: WireEnum>(_ object: JSONObject, _ key: String, _ path: String,
                                           hint: String?) -> E? {
        guard let text = rawString(object, key, path, hint: hint) else { return nil }
        return enumValue(text, Self.join(path, key))
    }

    mutating func enumValue<E: WireEnum>(_ text: String, _ path: String) -> E? {
        if let value = E(wire: text) { return value }
        fail(.notInEnumeration, path, "\(quoted(text)) is not one of \(E.wireList)")
        return nil
    }

    mutating func bool(_ object: JSONObject, _ key: String, _ path: String, hint: String?) -> Bool? {
        member(object, key, path, hint: hint, expected: "a boolean") { $0.boolValue }
    }

    /// An integer or a fraction, as a Double.
    mutating func number(_ object: JSONObject, _ key: String, _ path: String, hint: String?) -> Double? {
        member(object, key, path, hint: hint, expected: "a number") { $0.doubleValue }
    }

    /// An array of at most `maxItems` elements; items are not checked here.
    mutating func array(_ object: JSONObject, _ key: String, _ path: String, hint: String?,
                        maxItems: Int, advice: String) -> [JSONValue]? {
        guard let items = member(object, key, path, hint: hint, expected: "an array", { $0.arrayValue }) else { return nil }
        let path = Self.join(path, key)
        if items.count > maxItems {
            fail(.tooMany, path, "has \(items.count) entries; the limit is \(maxItems), " + advice)
            return nil
        }
        return items
    }

    /// A set of wire enumeration values written as an array of unique strings.
    mutating func enumSet<E: WireEnum>(_ object: JSONObject, _ key: String, _ path: String,
                                       hint: String?, emptyHint: String?) -> Set<E>? {
        guard let items = array(object, key, path, hint: hint, maxItems: E.allCases.count,
                                advice: "list each value once") else { return nil }
        let path = Self.join(path, key)
        if items.isEmpty, let emptyHint {
            fail(.tooShort, path, "must list at least one value; " + emptyHint)
            return nil
        }
        var result = Set<E>()
        var ok = true
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard case .string(let text) = item else {
                fail(.wrongType, itemPath, "expected a string, found \(Self.article(item))")
                ok = false
                continue
            }
            guard let value: E = enumValue(text, itemPath) else { ok = false; continue }
            if !result.insert(value).inserted {
                fail(.duplicate, itemPath, "\(quoted(text)) is listed twice; list each value once")
                ok = false
            }
        }
        return ok ? result : nil
    }

    /// A `YYYY-MM-DD` date that exists in the calendar.
    mutating func date(_ object: JSONObject, _ key: String, _ path: String) -> CalendarDate? {
        guard let text = rawString(object, key, path, hint: nil) else { return nil }
        return dateValue(text, Self.join(path, key))
    }

    mutating func dateValue(_ text: String, _ path: String) -> CalendarDate? {
        switch CalendarDate.parse(text) {
        case .parsed(let date): return date
        case .badShape: fail(.badFormat, path, "\(quoted(text)) is not a date; use YYYY-MM-DD, e.g. 2026-02-03")
        case .notInCalendar: fail(.notInCalendar, path, "\(quoted(text)) is not a real calendar date; check the day and month")
        }
        return nil
    }

    /// The first control character (U+0000–001F, U+007F–009F) and its offset in scalars;
    /// `\n` and `\t` are allowed when `multiline`.
    private func firstControlCharacter(_ text: String, multiline: Bool) -> (Int, Unicode.Scalar)? {
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            let v = scalar.value
            guard v < 0x20 || (0x7F...0x9F).contains(v) else { continue }
            if multiline, scalar == "\n" || scalar == "\t" { continue }
            return (offset, scalar)
        }
        return nil
    }

    private func trimmed(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }
}
