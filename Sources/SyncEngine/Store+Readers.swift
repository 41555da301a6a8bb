import Dispatch
import SQLite
import Synchronization

/// Read connections beside the store's one writer (issue 15): WAL lets readers see the last
/// committed state while a write transaction is open, so reads (pulls, listings, the
/// dashboard) do not queue behind pushes.
///
/// Rules:
/// 1. `readerCount` read-only connections, opened on first use, each on its own serial queue;
///    a read goes to the next one in turn.
/// 2. Every read runs inside one deferred transaction: one snapshot, every statement of the read
///    sees the same committed state, and nothing uncommitted.
/// 3. A read never blocks on the writer, and the writer never waits for readers (WAL); a
///    reader only holds back checkpoints while its snapshot is open.
/// 4. Readers do not see attachments (`StoreOptions.attachments`): they read the store itself.
final class ReaderPool: Sendable {
    static let readerCount = 2

    private let path: String
    private let busyTimeoutMilliseconds: Int
    /// Opened on first use; `Mutex` guards the lazy open and the turn.
    private let state = Mutex<(queues: [DatabaseQueue], turn: Int)>(([], 0))

    init(path: String, busyTimeoutMilliseconds: Int) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    /// The next reader, opening the pool on first use.
    func next() throws -> DatabaseQueue {
        try state.withLock { state in
            if state.queues.isEmpty {
                var options = DatabaseOptions()
                options.readOnly = true
                options.create = false
                options.busyTimeoutMilliseconds = busyTimeoutMilliseconds
                state.queues = try (0..<Self.readerCount).map { i in
                    try DatabaseQueue(path: path, options: options, label: "fieldsync.store.reader\(i)")
                }
            }
            state.turn = (state.turn + 1) % state.queues.count
            return state.queues[state.turn]
        }
    }
}

extension Store {
    /// Runs read-only `body` on a reader connection, in one snapshot (`ReaderPool`). Blocking.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try readers.next().sync { db in try db.inTransaction(.deferred) { try body(db) } }
        } catch {
            throw StoreError.translate(error, path: path)
        }
    }

    /// `read` from async code: on the reader's own queue, so it neither blocks a cooperative
    /// thread nor waits behind the writer's queue.
    public func readAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let queue: DatabaseQueue
        do {
            queue = try readers.next()
        } catch {
            throw StoreError.translate(error, path: path)
        }
        let path = self.path
        do {
            return try await queue.run { db in try db.inTransaction(.deferred) { try body(db) } }
        } catch {
            throw StoreError.translate(error, path: path)
        }
    }
}
