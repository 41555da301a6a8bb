/// At most `limit` holders at a time; the others wait in arrival order (a counting semaphore for
/// async code that never blocks a thread). Cancellation does not drop a waiter: a push that
/// waits is short, and a waiter removed half-way would complicate the one invariant that
/// matters here — the count of holders never exceeds `limit`.
public actor AsyncGate {
    public let limit: Int
    private var holders = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        precondition(limit >= 1, "a gate needs room for one holder")
        self.limit = limit
    }

    /// Runs `body` once a place is free, and frees it afterwards whatever `body` does.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func leave() {
        if waiters.isEmpty {
            holders -= 1
        } else {
            waiters.removeFirst().resume()  // the place passes straight to the next waiter
        }
    }

    /// Holders now (for tests).
    public var current: Int { holders }
}
