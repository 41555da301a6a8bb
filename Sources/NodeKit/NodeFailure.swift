import SQLite
import SyncClient
import SyncEngine
import Toolkit

/// Turns whatever a command threw into what the operator reads (`NodeError`, i.e. `CLIError`).
enum NodeFailure {
    /// `error` as the operator reads it; anything unknown is an internal error.
    static func describe(_ error: any Error) -> NodeError {
        .from(error, translate: translate)
    }

    /// The node's reading of the engine's and the sync client's errors, for `CLIRunner`; nil for
    /// an error they do not own.
    static func translate(_ error: any Error) -> NodeError? {
        switch error {
        case let error as StoreError: describe(error)
        case let error as SyncClientError: describe(error)
        default: nil
        }
    }

    /// Sync failures: the client's message says what happened; the hint says what to do. Only a
    /// broken internal rule is an internal error.
    static func describe(_ error: SyncClientError) -> NodeError {
        switch (error.code, error.retry) {
        case (.internalError, _):
            return .internal("internal error: \(error.message)")
        case (_, .reenroll):
            return .user(error.message, hint: "enroll this laptop again with a new token: fieldnode enroll --hub URL --token TOKEN")
        case (_, .stop):
            return .user(error.message, hint: "nothing is retried automatically; ask the hub admin, then run the command again")
        default:
            return .user(error.message, hint: "queued reports stay safe on this laptop; the next sync (or the daemon) sends them")
        }
    }

    /// Store failures in the operator's terms. Every store change is one transaction, so any
    /// failure leaves the store as it was, and the messages say so.
    static func describe(_ error: StoreError) -> NodeError {
        switch error.code {
        case .notInitialized, .alreadyInitialized, .incompatible, .storeBehindPeer, .divergentOp, .quarantineFull:
            return .user(error.message)
        case .invalidWrite:
            return .internal("internal error: \(error.message)")
        case .database:
            return describe(database: error)
        }
    }

    private static func describe(database error: StoreError) -> NodeError {
        guard let underlying = error.underlying else {
            return .internal("internal error: \(error.message)")
        }
        let directory = parentDirectory(underlying.path)
        switch underlying.code {
        case .full:
            return .user("the disk holding \(directory) is full; nothing was saved",
                         hint: "free some space (df -h \(directory)) and run the command again")
        case .busy, .locked:
            return busy
        case .readonly:
            return .user("the store in \(directory) is read-only; nothing was changed",
                         hint: "check the permissions of the data directory and its files, or choose another with --data-dir")
        case .cantopen:
            return .user("cannot open the store in \(directory); nothing was changed",
                         hint: "check that the data directory exists and is writable, or choose another with --data-dir")
        case .corrupt, .notadb:
            return .user("the store in \(directory) is damaged; nothing was changed",
                         hint: "restore it from a backup, or enrol this laptop again as a new node")
        default:
            return .internal("the store failed: \(underlying.description)")
        }
    }

    static let busy = NodeError.user("the store is busy: another fieldnode process is writing to it; nothing was changed",
                                     hint: "try again in a moment")

    private static func parentDirectory(_ path: String?) -> String {
        guard let path, let slash = path.lastIndex(of: "/") else { return path ?? "the data directory" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
