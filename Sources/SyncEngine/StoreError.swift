import SQLite
import SyncProtocol

/// Errors from the store. `message` is written for the person running the command; it never
/// contains report content.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The data directory has no store yet.
        case notInitialized
        /// A store already exists where `create` was asked to make one.
        case alreadyInitialized
        /// The store was written by a different role or a newer program.
        case incompatible
        /// A local write was malformed (empty or oversized name, unknown entity …).
        case invalidWrite
        /// A peer sent an op that reuses an (origin, seq) with different content.
        case divergentOp
        /// A peer acknowledged more of our ops than we have: this store is older than the
        /// peer's view of it (restored from a backup).
        case storeBehindPeer
        /// A batch would put more ops of one origin in quarantine than
        /// `StoreOptions.maxQuarantinedPerOrigin`; nothing of it was stored. Retry later (back off):
        /// the origin's clock must be fixed, or an administrator must release its ops.
        case quarantineFull
        /// SQLite failed; `underlying` has the code.
        case database
    }

    public let code: Code
    public let message: String
    public let underlying: DatabaseError?

    public init(_ code: Code, _ message: String, underlying: DatabaseError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }

    /// Wraps any error thrown inside a store operation: store errors pass through, SQLite errors
    /// become `.database` with a message that says what to do for the common cases.
    static func wrap(_ error: any Error, path: String) -> StoreError {
        if let e = error as? StoreError { return e }
        if let m = error as? MigrationError {
            if let underlying = m.underlying as? DatabaseError { return wrap(underlying, path: path) }
            return StoreError(.incompatible, m.code == .databaseIsNewer
                ? "\(path) was written by a newer fieldsync (migration \(m.migration)); upgrade this program"
                : "\(path) could not be upgraded (migration \(m.migration)): \(m)")
        }
        if let e = error as? DatabaseError {
            switch e.code {
            case .full:
                return StoreError(.database, "the disk holding \(path) is full; nothing was saved. Free some space and try again", underlying: e)
            case .busy, .locked:
                return StoreError(.database, "the store \(path) is busy (another fieldsync process is writing); nothing was saved. Try again in a moment", underlying: e)
            case .readonly:
                return StoreError(.database, "the store \(path) is read-only; nothing was saved. Check the permissions of the data directory", underlying: e)
            case .cantopen:
                return StoreError(.database, "cannot open the store \(path); check that the data directory exists and is writable", underlying: e)
            case .corrupt, .notadb:
                return StoreError(.database, "the store \(path) is damaged (\(e.message)); restore it from a backup", underlying: e)
            default:
                return StoreError(.database, "the store \(path) failed: \(e.description)", underlying: e)
            }
        }
        return StoreError(.database, "the store \(path) failed: \(error)")
    }

    /// Only SQLite's own errors are translated; a caller's error thrown out of a `write` body
    /// comes back unchanged.
    static func translate(_ error: any Error, path: String) -> any Error {
        error is DatabaseError || error is MigrationError ? wrap(error, path: path) : error
    }
}
