import Dispatch
import Synchronization

/// Runs async work to completion from a synchronous command handler.
///
/// Command handlers run on the process's main thread, which is not one of Swift's cooperative
/// threads, so blocking it while the work runs on the cooperative pool starves nothing the work
/// needs. The task is owned here: this function does not return before it has finished.
enum AsyncBridge {
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        // Detached so that it never inherits a caller's actor; awaited below through `done`.
        Task.detached {
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
