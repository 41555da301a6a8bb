#if canImport(Glibc)
import Glibc
#endif

/// The process exit statuses every fieldsync executable uses.
///
/// They follow the conventions of swift-argument-parser and `sysexits.h`: 64 (`EX_USAGE`) for a
/// command line that could not be parsed, 70 (`EX_SOFTWARE`) for an internal error.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// The command did what was asked.
    case ok = 0
    /// The user asked for something that cannot be done; the message says what to do instead.
    case userError = 1
    /// The command line could not be parsed (`EX_USAGE`).
    case usage = 64
    /// A bug or an unexpected failure inside the program (`EX_SOFTWARE`).
    case internalError = 70

    /// Ends the process with this status. The corresponding C function is `exit(3)`.
    public func exitProcess() -> Never {
        exit(rawValue)
    }
}
