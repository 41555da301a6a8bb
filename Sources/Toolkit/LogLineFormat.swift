/// Formats one log event as one line; the invariants are listed on ``Logger``.
enum LogLineFormat {
    static func line(level: Logger.Level, message: String, metadata: [(key: String, value: String)]) -> String {
        var line = "<\(level.rawValue)>" + escaped(message)
        for (key, value) in metadata {
            line += " " + sanitizedKey(key) + "=" + formattedValue(value)
        }
        return line + "\n"
    }

    /// Invariant 3: keys keep only `A-Z a-z 0-9 _ . -`.
    static func sanitizedKey(_ key: String) -> String {
        guard !key.isEmpty else { return "_" }
        return String(String.UnicodeScalarView(key.unicodeScalars.map { scalar in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "." || scalar == "-")
            return allowed ? scalar : "_"
        }))
    }

    /// Invariants 4 and 5: bare when safe, else quoted and escaped; cut when too long.
    static func formattedValue(_ value: String) -> String {
        var value = value
        if value.count > Logger.maxValueLength {
            value = String(value.prefix(Logger.maxValueLength)) + "…"
        }
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "=" || scalar == "\"" || scalar == "\\"
                || isControl(scalar) || scalar.properties.isWhitespace
        }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            default: quoted += escapedControl(scalar) ?? String(scalar)
            }
        }
        return quoted + "\""
    }

    /// The message: control characters escaped so it stays on one line; never quoted.
    static func escaped(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            output += escapedControl(scalar) ?? String(scalar)
        }
        return output
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func escapedControl(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            guard isControl(scalar) else { return nil }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
        }
    }
}
