import SyncEngine
import Toolkit

/// A failure of a `missionhub` command, in the user's terms. `message` says what went wrong,
/// `hint` what to do next; neither ever carries report content.
public struct HubError: Error, Sendable, Equatable, CustomStringConvertible, CLIErrorConvertible {
    /// What kind of failure; it decides the exit status (see `cliError`).
    public enum Code: String, Sendable {
        /// The data directory holds no hub store yet.
        case notInitialized
        /// `init` found a store already there.
        case alreadyInitialized
        /// A value given on the command line or in the config file is not acceptable.
        case invalidValue
        /// The config file could not be read or has a bad line.
        case config
        /// `node enroll` for a name an active node already has.
        case nameTaken
        /// `node revoke` for a name no node has.
        case unknownNode
        /// `node tokens --cancel` names no outstanding token.
        case unknownToken
        /// `restore` while a hub serves the data directory.
        case hubRunning
        /// `report show` for a reference or id no report has.
        case unknownReport
        /// `backup --out` names a file that exists.
        case destinationExists
        /// The listener could not be bound (address in use, bad path).
        case listen
        /// `audit verify` found the audit log altered, cut or reordered.
        case tampered
        /// The store or the system failed; the message says how.
        case storage
        /// A bug: something that cannot happen did.
        case `internal`
    }

    public let code: Code
    public let message: String
    public let hint: String?

    public init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.map { "\(message); \($0)" } ?? message }

    /// The error as the CLI shows it (`CLIRunner`): exit 70 for `internal`, 1 for everything
    /// else. A bad command line never becomes a `HubError`: the parser refuses it first (64).
    public var cliError: CLIError {
        code == .internal ? .internal(message, hint: hint) : .user(message, hint: hint)
    }

    /// A store failure in the user's terms (the store's messages already say what to do).
    static func store(_ error: StoreError) -> HubError {
        switch error.code {
        case .notInitialized:
            return HubError(.notInitialized, "no hub store in this data directory",
                            hint: "run `missionhub init --mission CODE` first, or pass --data-dir")
        case .alreadyInitialized:
            return HubError(.alreadyInitialized, error.message)
        default:
            return HubError(.storage, error.message)
        }
    }
}
