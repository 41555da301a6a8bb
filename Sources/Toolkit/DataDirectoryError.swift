#if canImport(Glibc)
import Glibc
#endif

/// The data directory cannot be used; the message names the path and the hint says what to do.
public struct DataDirectoryError: Error, Sendable, Equatable, CustomStringConvertible, CLIErrorConvertible {
    /// What is wrong with the directory.
    public enum Code: Sendable, Equatable {
        /// The path exists and is not a directory.
        case notADirectory
        /// A parent of the path exists and is not a directory.
        case parentNotADirectory
        /// The directory exists but this user cannot write in it.
        case notWritable
        /// A missing directory could not be created (parent not writable, read-only file system).
        case cannotCreate
        /// The directory is ours but could not be restricted to mode 0700.
        case cannotSetMode
        /// Any other system error (e.g. a parent we cannot search).
        case inaccessible
    }

    /// What is wrong.
    public let code: Code
    /// The data directory asked for.
    public let path: String
    /// What went wrong, naming the path.
    public let message: String
    /// What to do about it.
    public let hint: String

    /// `<message>; <hint>`.
    public var description: String { "\(message); \(hint)" }

    /// The same, as the error an executable prints before exiting with status 1.
    public var cliError: CLIError { .user(message, hint: hint) }

    private static let chooseAnother = "choose another with --data-dir or fix its permissions"

    static func notADirectory(_ path: String) -> Self {
        Self(code: .notADirectory, path: path, message: "data directory \(path) exists but is not a directory",
             hint: "remove or rename it, or choose another with --data-dir")
    }

    static func parentNotADirectory(_ path: String, parent: String) -> Self {
        Self(code: .parentNotADirectory, path: path,
             message: "cannot create data directory \(path): \(parent) is not a directory",
             hint: "choose another with --data-dir")
    }

    static func notWritable(_ path: String, user: String) -> Self {
        Self(code: .notWritable, path: path, message: "data directory \(path) is not writable by user \(user)",
             hint: chooseAnother)
    }

    static func cannotCreate(_ path: String, parent: String, user: String, _ reason: Errno) -> Self {
        let why = reason.rawValue == EROFS ? "is on a read-only file system" : "is not writable by user \(user)"
        return Self(code: .cannotCreate, path: path, message: "cannot create data directory \(path): \(parent) \(why)",
                    hint: chooseAnother)
    }

    static func cannotSetMode(_ path: String, _ reason: Errno) -> Self {
        Self(code: .cannotSetMode, path: path,
             message: "cannot restrict data directory \(path) to mode 0700: \(reason)",
             hint: "run 'chmod 700 \(path)' or choose another with --data-dir")
    }

    static func inaccessible(_ path: String, _ reason: Errno) -> Self {
        Self(code: .inaccessible, path: path, message: "cannot use data directory \(path): \(reason)",
             hint: chooseAnother)
    }
}
