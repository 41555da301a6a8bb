import Dispatch

/// Owns one `Database` and runs every call on it on one serial `DispatchQueue`, so blocking
/// SQLite calls never occupy Swift's cooperative thread pool.
///
/// `@unchecked Sendable`: all access to `db` is serialized by `queue`.
public final class DatabaseQueue: @unchecked Sendable {
    /// The database file.
    public let path: String
    private let db: Database
    private let queue: DispatchQueue
    private let queueKey = DispatchSpecificKey<ObjectIdentifier>()

    /// Opens the database on the calling thread (a blocking call: from async code prefer
    /// `DatabaseQueue.open`).
    public convenience init(path: String, options: DatabaseOptions = DatabaseOptions(), label: String = "fieldsync.sqlite") throws {
        self.init(db: try Database(path: path, options: options), queue: DispatchQueue(label: label))
    }

    private init(db: Database, queue: DispatchQueue) {
        self.path = db.path
        self.db = db
        self.queue = queue
        queue.setSpecific(key: queueKey, value: ObjectIdentifier(self))
    }

    /// Opens the database on its own queue without blocking the caller's thread.
    public static func open(path: String, options: DatabaseOptions = DatabaseOptions(), label: String = "fieldsync.sqlite") async throws -> DatabaseQueue {
        let queue = DispatchQueue(label: label)
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { DatabaseQueue(db: try Database(path: path, options: options), queue: queue) })
            }
        }
    }

    /// True when called from inside `sync`/`run` of this queue.
    public var isOnQueue: Bool {
        DispatchQueue.getSpecific(key: queueKey) == ObjectIdentifier(self)
    }

    /// Stops the process unless called on this queue (`dispatchPrecondition(.onQueue)`): for
    /// code that must only run inside `sync`/`run`.
    public func preconditionOnQueue() {
        dispatchPrecondition(condition: .onQueue(queue))
    }

    /// Runs `body` on the queue and waits for it. For synchronous callers (the CLI); calling
    /// it from the queue itself (inside `sync`/`run`) would deadlock and stops the process.
    public func sync<T>(_ body: (Database) throws -> T) rethrows -> T {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return try queue.sync { try body(db) }
    }

    /// Runs `body` on the queue; the awaiting task is suspended, not blocked. Once enqueued
    /// the body runs even if the task is cancelled.
    public func run<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self.db) })
            }
        }
    }

    /// Closes the database (see `Database.close`); later calls fail with `.misuse`.
    public func close() throws {
        try sync { try $0.close() }
    }
}
