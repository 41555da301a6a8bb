/// At most `limit` units held at a time; the others wait in arrival order (a counting semaphore
/// for async code that never blocks a thread). A holder takes one unit, or its `weight` (a
/// byte count, say), and a holder heavier than the whole gate takes all of it. Cancellation does
/// not drop a waiter: a push that waits is short, and a waiter removed half-way would complicate
/// the one invariant that matters here — what is held never exceeds `limit`.
public actor AsyncGate {
    public let limit: Int
    private var holders = 0
    private var waiters: [(weight: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public init(limit: Int) {
        precondition(limit >= 1, "a gate needs room for one holder")
        self.limit = limit
    }

    /// Runs `body` once `weight` units are free (in arrival order: a heavy waiter is not
    /// overtaken by light ones), and frees them afterwards whatever `body` does.
    public func run<T: Sendable>(weight: Int = 1, _ body: @Sendable () async throws -> T) async rethrows -> T {
        let units = min(max(1, weight), limit)
        await enter(units)
        defer { leave(units) }
        return try await body()
    }

    private func enter(_ units: Int) async {
        if waiters.isEmpty, holders + units <= limit {
            holders += units
            return
        }
        await withCheckedContinuation { waiters.append((units, $0)) }
    }

    private func leave(_ units: Int) {
        holders -= units
        // The freed units pass straight to the waiters at the front that now fit.
        while let first = waiters.first, holders + first.weight <= limit {
            holders += first.weight
            waiters.removeFirst().continuation.resume()
        }
    }

    /// Units held now (for tests).
    public var current: Int { holders }
}
