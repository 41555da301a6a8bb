import Foundation

/// The request bytes the server holds at once, across all connections.
///
/// Invariants:
/// 1. A connection charges every byte it reads before it hands the byte to its parser, and
///    keeps the charge while the parser buffers the byte, while the request it belongs to is in
///    the responder, and until that request's response is written; the sum of the charges never
///    exceeds `limit`. A read that would pass it is refused (the connection answers 503 and
///    closes) instead of waiting: waiting connections that each hold part of a body could
///    otherwise wait for one another until their timeouts.
/// 2. The limit is at least one whole request of the largest size the parser accepts (see
///    `HTTPServerConfiguration.effectiveMaxBufferedRequestBytes`), so a lone client always fits.
/// 3. A connection releases everything it still holds when it ends, whatever the reason.
final class RequestByteBudget: @unchecked Sendable {  // every field is guarded by `lock`
    let limit: Int
    private let lock = NSLock()
    private var held = 0
    private var highest = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Charges `bytes`; false (and nothing charged) when that would pass `limit`.
    func reserve(_ bytes: Int) -> Bool {
        precondition(bytes >= 0, "a request byte charge cannot be negative")
        return lock.withLock {
            guard held + bytes <= limit else { return false }
            held += bytes
            highest = max(highest, held)
            return true
        }
    }

    /// Returns `bytes` charged earlier.
    func release(_ bytes: Int) {
        precondition(bytes >= 0, "a request byte release cannot be negative")
        guard bytes > 0 else { return }
        lock.withLock {
            precondition(bytes <= held, "released \(bytes) request bytes but only \(held) are held")
            held -= bytes
        }
    }

    /// The bytes charged now.
    var current: Int { lock.withLock { held } }

    /// The most bytes charged at once since the server started.
    var peak: Int { lock.withLock { highest } }
}
