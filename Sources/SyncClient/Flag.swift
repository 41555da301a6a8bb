import Synchronization

/// A boolean shared between tasks (e.g. "reload requested" set by the signal task and taken
/// by the daemon loop).
final class Flag: Sendable {
    private let value = Mutex(false)

    init() {}

    func set() { value.withLock { $0 = true } }

    /// Returns whether the flag was set, and clears it.
    func take() -> Bool {
        value.withLock { flag in
            defer { flag = false }
            return flag
        }
    }
}
