import Toolkit

/// A failure a `fieldnode` command reports to the operator, then exits.
///
/// What the operator sees on stderr:
///
///     error: <message>
///       <detail>            (one line each, e.g. every validation issue)
///     hint: <hint>
///
/// A usage error instead shows the command's usage line and a pointer to `--help` (exit 64).
/// Messages never carry report content beyond field names, codes and references.
public struct NodeError: Error, Sendable, Equatable {
    /// What kind of failure; decides the exit status.
    public enum Code: Sendable, Equatable {
        /// The command line is wrong (exit 64): a bad option value, a missing required option.
        case usage
        /// The request cannot be done as asked (exit 1); the hint says what to do.
        case userError
        /// A bug or an unexpected failure (exit 70).
        case `internal`
        /// The operator stopped the command (EOF, declined to save); only the message is shown,
        /// without `error: ` (exit 1).
        case cancelled
    }

    /// What kind of failure.
    public let code: Code
    /// One line, without `error: `.
    public let message: String
    /// Lines shown under the message, indented (validation issues).
    public let details: [String]
    /// What to do next, or nil.
    public let hint: String?

    /// An error of any kind.
    public init(_ code: Code, _ message: String, details: [String] = [], hint: String? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.hint = hint
    }

    /// A user error (exit 1).
    public static func user(_ message: String, details: [String] = [], hint: String? = nil) -> NodeError {
        NodeError(.userError, message, details: details, hint: hint)
    }

    /// A usage error (exit 64) about the command being run.
    public static func usage(_ message: String) -> NodeError {
        NodeError(.usage, message)
    }

    /// An internal error (exit 70).
    public static func `internal`(_ message: String) -> NodeError {
        NodeError(.internal, message)
    }

    /// The same error as Toolkit's `CLIError` reports it.
    public init(_ error: CLIError) {
        self.init(error.code == .userError ? .userError : .internal, error.message, hint: error.hint)
    }

    /// The process exit status.
    public var exitCode: ExitCode {
        switch code {
        case .usage: .usage
        case .userError, .cancelled: .userError
        case .internal: .internalError
        }
    }

    /// The text for stderr, ending with a newline; `usageLine` (without `Usage: `) and
    /// `commandName` are used for usage errors.
    func rendered(usageLine: String, commandName: String) -> String {
        if code == .cancelled { return message + "\n" }
        var text = "error: \(message)\n"
        for line in details { text += "  \(line)\n" }
        if code == .usage {
            text += "Usage: \(usageLine)\n  See '\(commandName) --help' for more information.\n"
        }
        if let hint, !hint.isEmpty { text += "hint: \(hint)\n" }
        return text
    }
}
