// The `key = value` configuration format of fieldnode and missionhub.
//
// Invariants (the parser checks each one and names the line that breaks it):
//
//  1. A file is at most `ConfigFile.maximumSize` (64 KiB) of UTF-8 text with no NUL byte and no
//     control character other than tab. A leading byte-order mark is ignored.
//  2. Lines end at LF; CRLF is accepted. Lines are numbered from 1.
//  3. Spaces and tabs around a line are ignored. An empty line is ignored. A line whose first
//     non-blank character is `#` is a comment.
//  4. Every other line is `key = value`. The key is one or more of `A-Z a-z 0-9 _ . -`, case
//     sensitive, and must be one of the settings the program allows.
//  5. An unquoted value runs to the end of the line or to the first `#` that follows a space or
//     tab (a trailing comment), with surrounding blanks removed. It may be empty. A `#` with no
//     blank before it is part of the value (`https://hub.example/#x` stays whole).
//  6. A value that starts with `"` is quoted: it ends at the next unescaped `"`; inside, `\"` is a
//     quote and `\\` a backslash, and no other escape exists. After the closing quote only blanks
//     and a trailing comment may follow. Quoting keeps blanks and `#` that the unquoted form would drop.
//  7. Each key appears at most once: a second assignment is an error, not an override.
//
// Example:
//
//     # where the hub is
//     hub_url = https://hub.example.org/   # trailing comment
//     interval = 90s
//     data_dir = "/srv/field data"
#if canImport(Glibc)
import Glibc
#endif

/// A parsed configuration file: the settings it gives, each with the line it came from, read
/// through typed accessors whose errors name the file, the line and the expected form.
///
///     let config = try ConfigFile.load(path: "/etc/fieldsync/fieldnode.conf",
///                                      allowedKeys: ["hub_url", "interval"])
///     let interval = try config.duration("interval") ?? .seconds(60)
public struct ConfigFile: Sendable {
    /// The largest file accepted: 64 KiB. A real configuration is a few hundred bytes; anything
    /// larger is the wrong file.
    public static let maximumSize = 64 * 1024

    private struct Entry: Sendable {
        let value: String
        let line: Int
    }

    /// The file the settings came from, as given.
    public let path: String
    private let entries: [String: Entry]
    /// The keys set in the file, in the order they appear.
    public let keys: [String]

    private init(path: String, entries: [String: Entry], keys: [String]) {
        self.path = path
        self.entries = entries
        self.keys = keys
    }

    // MARK: Reading

    /// Reads and parses the file at `path` (see the invariants at the top of this file).
    ///
    /// Throws `.fileNotFound` when it does not exist, `.unreadable` when it cannot be read,
    /// `.tooLarge` past ``maximumSize``, and whatever ``parse(_:path:allowedKeys:)`` throws.
    public static func load(path: String, allowedKeys: Set<String>) throws(ConfigError) -> ConfigFile {
        let bytes = try readBytes(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .notText(path, line: nil, "is not valid UTF-8")
        }
        return try parse(text, path: path, allowedKeys: allowedKeys)
    }

    /// Parses configuration text; `path` is only used in error messages.
    public static func parse(_ text: String, path: String, allowedKeys: Set<String>) throws(ConfigError) -> ConfigFile {
        guard text.utf8.count <= maximumSize else { throw .tooLarge(path) }
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        var entries: [String: Entry] = [:]
        var keys: [String] = []
        for (index, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            if let bad = rawLine.unicodeScalars.first(where: isForbiddenControl) {
                throw bad == "\0" ? .notText(path, line: line, "contains a NUL byte")
                    : .malformed(path, line: line, "control character U+\(hex(bad)) in line")
            }
            guard let (key, value) = try parseLine(rawLine, path: path, line: line) else { continue }
            guard allowedKeys.contains(key) else {
                throw .unknownKey(path, line: line, key: key, allowed: allowedKeys)
            }
            if let first = entries[key] {
                throw .duplicateKey(path, line: line, key: key, firstLine: first.line)
            }
            entries[key] = Entry(value: value, line: line)
            keys.append(key)
        }
        return ConfigFile(path: path, entries: entries, keys: keys)
    }

    // MARK: Typed accessors

    /// The value of `key` as written (quotes and escapes resolved), or nil when not set.
    public func string(_ key: String) -> String? {
        entries[key]?.value
    }

    /// The line `key` is set on, or nil when not set.
    public func line(_ key: String) -> Int? {
        entries[key]?.line
    }

    /// The value of `key` as a decimal integer within `range`, or nil when not set.
    public func int(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let entry = entries[key] else { return nil }
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard let number = Int(entry.value), range.contains(number) else {
            throw .invalidValue(path, line: entry.line, key: key, value: entry.value, expected: expected)
        }
        return number
    }

    /// The value of `key` as a duration: a whole number followed by `s`, `m`, `h` or `d`
    /// (`30s`, `5m`, `2h`, `1d`), within `range` when one is given; nil when not set.
    public func duration(_ key: String, range: ClosedRange<Duration>? = nil) throws(ConfigError) -> Duration? {
        guard let entry = entries[key] else { return nil }
        var expected = "a duration such as 30s, 5m, 2h or 1d"
        if let range {
            expected += " from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))"
        }
        guard let seconds = DurationText.seconds(entry.value),
              range?.contains(.seconds(seconds)) ?? true
        else {
            throw .invalidValue(path, line: entry.line, key: key, value: entry.value, expected: expected)
        }
        return .seconds(seconds)
    }

    /// The value of `key` as a boolean: `true`/`yes`/`on` or `false`/`no`/`off`, any case;
    /// nil when not set.
    public func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let entry = entries[key] else { return nil }
        switch entry.value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            throw .invalidValue(path, line: entry.line, key: key, value: entry.value,
                                expected: "true or false (also yes/no, on/off)")
        }
    }
}

// MARK: - Lines and files

extension ConfigFile {
    private static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "." || character == "-")
    }

    private static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let start = text.firstIndex { !isBlank($0) } ?? text.endIndex
        let end = text.lastIndex { !isBlank($0) }.map(text.index(after:)) ?? start
        return text[start..<end]
    }

    /// `(key, value)` for an assignment, nil for a blank or comment line (invariants 3–6).
    private static func parseLine(_ rawLine: Substring, path: String, line: Int) throws(ConfigError) -> (String, String)? {
        let content = trimmed(rawLine)
        if content.isEmpty || content.first == "#" { return nil }
        guard let equals = content.firstIndex(of: "=") else {
            throw .malformed(path, line: line, "no '=' in line")
        }
        let key = trimmed(content[..<equals])
        guard !key.isEmpty else { throw .malformed(path, line: line, "missing setting name before '='") }
        guard key.allSatisfy(isKeyCharacter) else {
            throw .malformed(path, line: line, "setting name '\(key)' may only contain letters, digits, '_', '.' and '-'")
        }
        let rest = trimmed(content[content.index(after: equals)...])
        let value = rest.first == "\"" ? try quotedValue(rest, path: path, line: line) : unquotedValue(rest)
        return (String(key), value)
    }

    /// Invariant 5: up to a `#` preceded by a blank, trimmed.
    private static func unquotedValue(_ rest: Substring) -> String {
        var previous: Character = " "
        for index in rest.indices {
            if rest[index] == "#", isBlank(previous) { return String(trimmed(rest[..<index])) }
            previous = rest[index]
        }
        return String(rest)
    }

    /// Invariant 6: `rest` starts with `"`.
    private static func quotedValue(_ rest: Substring, path: String, line: Int) throws(ConfigError) -> String {
        var value = ""
        var index = rest.index(after: rest.startIndex)
        while index < rest.endIndex {
            let character = rest[index]
            index = rest.index(after: index)
            switch character {
            case "\"":
                let tail = trimmed(rest[index...])
                guard tail.isEmpty || tail.first == "#" else {
                    throw .malformed(path, line: line, "text after the closing quote")
                }
                return value
            case "\\":
                guard index < rest.endIndex, rest[index] == "\"" || rest[index] == "\\" else {
                    throw .malformed(path, line: line, "unknown escape in quoted value (only \\\" and \\\\ exist)")
                }
                value.append(rest[index])
                index = rest.index(after: index)
            default:
                value.append(character)
            }
        }
        throw .malformed(path, line: line, "quoted value has no closing quote")
    }

    /// The file's bytes, at most ``maximumSize`` of them.
    private static func readBytes(_ path: String) throws(ConfigError) -> [UInt8] {
        let opened = SystemCall.retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) }
        let fd: Int32
        switch opened {
        case .success(let descriptor): fd = descriptor
        case .failure(let error) where error.rawValue == ENOENT || error.rawValue == ENOTDIR: throw .fileNotFound(path)
        case .failure(let error): throw .unreadable(path, error)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path, Errno(errno)) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw .unreadable(path, Errno(EISDIR)) }
        // Read one byte past the limit so a file that grows, or has no honest size (a pipe), is caught too.
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                SystemCall.retryingOnInterrupt { read(fd, buffer.baseAddress! + count, buffer.count - count) }
            }
            switch result {
            case .success(0): return Array(bytes[..<count])
            case .success(let read): count += read
            case .failure(let error): throw .unreadable(path, error)
            }
        }
        throw .tooLarge(path)
    }
}
