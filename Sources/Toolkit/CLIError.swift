/// An error shown to the person at the terminal, then the process exits.
///
/// Its ``description`` is exactly what the user sees on stderr:
///
///     error: data directory /var/lib/x is not writable by user field
///     hint: choose another with --data-dir or fix its permissions
///
/// Write messages that say what went wrong in the user's terms and, in ``hint``, what to do
/// next. Never put report content or internal details (SQL, stack traces) in a message.
public struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; it decides the exit status.
    public enum Code: Sendable, Equatable {
        /// The user asked for something that cannot be done (exit status 1).
        case userError
        /// A bug or an unexpected failure inside the program (exit status 70).
        case `internal`
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line saying what went wrong, without the `error: ` prefix and without a final period.
    public let message: String
    /// One line saying what to do next, shown after `hint: `; nil when there is nothing to add.
    public let hint: String?

    /// Creates an error with an explicit code.
    public init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// A user error: exit status 1.
    public static func user(_ message: String, hint: String? = nil) -> CLIError {
        CLIError(.userError, message, hint: hint)
    }

    /// An internal error: exit status 70.
    public static func `internal`(_ message: String, hint: String? = nil) -> CLIError {
        CLIError(.internal, message, hint: hint)
    }

    /// The exit status that goes with ``code``.
    public var exitCode: ExitCode {
        switch code {
        case .userError: .userError
        case .internal: .internalError
        }
    }

    /// `error: <message>`, then `hint: <hint>` on its own line when there is a hint.
    /// No trailing newline.
    public var description: String {
        guard let hint, !hint.isEmpty else { return "error: \(message)" }
        return "error: \(message)\nhint: \(hint)"
    }
}
