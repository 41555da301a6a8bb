import Dispatch

/// Runs blocking work (file I/O, fsync) off Swift's cooperative threads.
enum Blocking {
    private static let queue = DispatchQueue(label: "fieldsync.syncclient.blocking")

    /// `body` on a private serial queue; the caller suspends until it returns.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
