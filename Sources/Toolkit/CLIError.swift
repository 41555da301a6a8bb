/// The one error a fieldsync executable shows to the person at the terminal before it exits;
/// ``CLIRunner`` prints it and maps its ``code`` to the exit status. Module errors (`HubError`,
/// `DataDirectoryError`, `ConfigError`) conform to ``CLIErrorConvertible``; NodeKit's
/// `NodeError` is this type.
///
/// Its ``description`` is exactly what the user sees on stderr:
///
///     error: data directory /var/lib/x is not writable by user field
///     hint: choose another with --data-dir or fix its permissions
///
/// with ``details`` as indented lines between the two; a usage error is followed by the
/// command's usage line (``CLIRunner`` adds it). Write messages that say what went wrong in the
/// user's terms and, in ``hint``, what to do next. Never put report content or internal
/// details (SQL, stack traces) in a message.
public struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; it decides the exit status.
    public enum Code: Sendable, Equatable {
        /// The user asked for something that cannot be done (exit status 1).
        case userError
        /// The command line is wrong: a missing or bad option, arguments that do not go
        /// together (exit status 64); shown with the usage line.
        case usage
        /// A bug or an unexpected failure inside the program (exit status 70).
        case `internal`
        /// The operator stopped the command (end of input, declined to save): only the message
        /// is shown, without `error: ` (exit status 1).
        case cancelled
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line saying what went wrong, without the `error: ` prefix and without a final period.
    public let message: String
    /// Lines shown under the message, indented by two spaces (every validation issue).
    public let details: [String]
    /// One line saying what to do next, shown after `hint: `; nil when there is nothing to add.
    public let hint: String?

    /// Creates an error with an explicit code.
    public init(_ code: Code, _ message: String, details: [String] = [], hint: String? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.hint = hint
    }

    /// A user error: exit status 1.
    public static func user(_ message: String, details: [String] = [], hint: String? = nil) -> CLIError {
        CLIError(.userError, message, details: details, hint: hint)
    }

    /// A usage error: exit status 64.
    public static func usage(_ message: String, hint: String? = nil) -> CLIError {
        CLIError(.usage, message, hint: hint)
    }

    /// An internal error: exit status 70.
    public static func `internal`(_ message: String, hint: String? = nil) -> CLIError {
        CLIError(.internal, message, hint: hint)
    }

    /// The internal error for anything no module translated: names the error's type only (its
    /// text may carry values the user did not type).
    public static func unexpected(_ error: any Error) -> CLIError {
        .internal("internal error (\(type(of: error)))", hint: "this is a bug; please report it with the command you ran")
    }

    /// `error` as the user sees it: its own ``CLIErrorConvertible/cliError``, else what
    /// `translate` makes of it, else ``unexpected(_:)``.
    public static func from(_ error: any Error, translate: (any Error) -> CLIError? = { _ in nil }) -> CLIError {
        (error as? any CLIErrorConvertible)?.cliError ?? translate(error) ?? .unexpected(error)
    }

    /// The exit status that goes with ``code``.
    public var exitCode: ExitCode {
        switch code {
        case .userError, .cancelled: .userError
        case .usage: .usage
        case .internal: .internalError
        }
    }

    /// `error: <message>`, each detail indented on its own line, then `hint: <hint>` when there
    /// is a hint; the message alone for ``Code/cancelled``. No trailing newline.
    public var description: String {
        if code == .cancelled { return message }
        var lines = ["error: \(message)"] + details.map { "  \($0)" }
        if let hint, !hint.isEmpty { lines.append("hint: \(hint)") }
        return lines.joined(separator: "\n")
    }
}

/// An error that knows how it is shown at the terminal: ``CLIRunner`` shows ``cliError``.
public protocol CLIErrorConvertible: Error {
    /// The error as the user sees it, with its exit status.
    var cliError: CLIError { get }
}

extension CLIError: CLIErrorConvertible {
    public var cliError: CLIError { self }
}
