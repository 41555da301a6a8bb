/// The `key = value` config format shared by `fieldnode` and `missionhub`.
///
/// Format (invariants):
/// 1. The text is UTF-8, read line by line (LF or CRLF).
/// 2. A line that is empty or only whitespace, or whose first non-blank character is `#`, is
///    ignored. A `#` later on a line is part of the value (paths may hold one).
/// 3. Every other line is `key = value`: the key is the text before the first `=`, the value
///    the text after it, both trimmed of blanks; a value wrapped in double quotes loses them.
/// 4. Keys are from a known set; an unknown key, a repeated key, a line without `=`, an empty
///    key or an empty value is an error naming the line (`FILE:LINE: …`).
public struct ConfigFile: Sendable, Equatable {
    /// One `key = value` line.
    public struct Entry: Sendable, Equatable {
        public let key: String
        public let value: String
        /// 1-based line number, for error messages about the value.
        public let line: Int
    }

    /// The file name used in messages.
    public let path: String
    /// The entries in file order.
    public let entries: [Entry]

    /// The entry for `key`, if the file has one.
    public subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    /// Parses `text`, accepting only `knownKeys`.
    public static func parse(_ text: String, path: String, knownKeys: [String]) throws(HubError) -> ConfigFile {
        var entries: [Entry] = []
        var lineNumber = 0
        // Split on Characters: "\r\n" is one Character in Swift, so it is one line break.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let content = line.trimmingBlanks()
            if content.isEmpty || content.hasPrefix("#") { continue }
            guard let equals = content.firstIndex(of: "=") else {
                throw lineError(path, lineNumber, "expected `key = value`")
            }
            let key = String(content[..<equals].trimmingBlanks())
            var value = content[content.index(after: equals)...].trimmingBlanks()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = value.dropFirst().dropLast()
            }
            guard !key.isEmpty else { throw lineError(path, lineNumber, "the key before `=` is empty") }
            guard knownKeys.contains(key) else {
                throw lineError(path, lineNumber, "unknown key '\(key)'; known keys: \(knownKeys.joined(separator: ", "))")
            }
            if let earlier = entries.first(where: { $0.key == key }) {
                throw lineError(path, lineNumber, "'\(key)' is already set on line \(earlier.line); keep one")
            }
            guard !value.isEmpty else { throw lineError(path, lineNumber, "'\(key)' has no value") }
            entries.append(Entry(key: key, value: String(value), line: lineNumber))
        }
        return ConfigFile(path: path, entries: entries)
    }

    /// An error about `entry`'s value, naming its line.
    public func invalid(_ entry: Entry, _ reason: String) -> HubError {
        Self.lineError(path, entry.line, "\(entry.key): \(reason)")
    }

    static func lineError(_ path: String, _ line: Int, _ reason: String) -> HubError {
        HubError(.config, "\(path):\(line): \(reason)", hint: "fix that line of the config file")
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingBlanks() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isBlank($0) }) ?? first
        return self[first...last]
    }
}
