/// A configuration file cannot be used. ``description`` is what the user sees, in the
/// compiler-style form editors jump to: `/etc/fieldsync/fieldnode.conf:12: unknown setting 'x'; …`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible, CLIErrorConvertible {
    /// What is wrong with the file.
    public enum Code: Sendable, Equatable {
        /// The file does not exist.
        case fileNotFound
        /// The file exists but cannot be read (permissions, a directory, an I/O error).
        case unreadable
        /// The file is larger than ``ConfigFile/maximumSize``.
        case tooLarge
        /// The file is not valid UTF-8 or contains a NUL byte.
        case notText
        /// A line is neither blank, a comment, nor `key = value` (this includes bad quoting).
        case malformedLine
        /// A key that is not one of the allowed settings.
        case unknownKey
        /// A key given twice.
        case duplicateKey
        /// A value that does not have the form or range the setting needs.
        case invalidValue
    }

    /// What is wrong.
    public let code: Code
    /// The file, as given to ``ConfigFile/load(path:allowedKeys:)`` or ``ConfigFile/parse(_:path:allowedKeys:)``.
    public let path: String
    /// The 1-based line the problem is on; nil for problems with the whole file.
    public let line: Int?
    /// What is wrong and what is expected, without the `path:line:` prefix.
    public let message: String

    /// Creates an error; prefer the static constructors, which word the message consistently.
    public init(code: Code, path: String, line: Int?, message: String) {
        self.code = code
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:LINE: message`, or `path: message` when no single line is at fault.
    public var description: String {
        guard let line else { return "\(path): \(message)" }
        return "\(path):\(line): \(message)"
    }

    /// The same, as the error an executable prints before exiting with status 1.
    public var cliError: CLIError {
        let hint: String? = switch code {
        case .fileNotFound: "copy the commented example from share/fieldsync under the install prefix (e.g. /usr/local), or pass --config"
        case .unreadable: "check the file's permissions, or pass another with --config"
        default: nil
        }
        return .user(description, hint: hint)
    }

    static func fileNotFound(_ path: String) -> Self {
        Self(code: .fileNotFound, path: path, line: nil, message: "configuration file not found")
    }

    static func unreadable(_ path: String, _ reason: Errno) -> Self {
        Self(code: .unreadable, path: path, line: nil, message: "cannot read configuration file: \(reason)")
    }

    static func tooLarge(_ path: String) -> Self {
        Self(code: .tooLarge, path: path, line: nil,
             message: "configuration file is larger than \(ConfigFile.maximumSize / 1024) KiB; is this the right file?")
    }

    static func notText(_ path: String, line: Int?, _ what: String) -> Self {
        Self(code: .notText, path: path, line: line, message: "configuration file \(what); it must be UTF-8 text")
    }

    static func malformed(_ path: String, line: Int, _ what: String) -> Self {
        Self(code: .malformedLine, path: path, line: line,
             message: "\(what); expected 'key = value', a '# comment' or a blank line")
    }

    static func unknownKey(_ path: String, line: Int, key: String, allowed: Set<String>) -> Self {
        Self(code: .unknownKey, path: path, line: line,
             message: "unknown setting '\(key)'; known settings are \(allowed.sorted().joined(separator: ", "))")
    }

    static func duplicateKey(_ path: String, line: Int, key: String, firstLine: Int) -> Self {
        Self(code: .duplicateKey, path: path, line: line,
             message: "setting '\(key)' is already set on line \(firstLine); keep only one")
    }

    static func invalidValue(_ path: String, line: Int, key: String, value: String, expected: String) -> Self {
        Self(code: .invalidValue, path: path, line: line, message: "\(key): expected \(expected), got '\(value)'")
    }
}
