import Dispatch
import Glibc

/// Owns a non-blocking socket descriptor and lets one task at a time wait, without blocking
/// any thread, until it is readable or writable, a deadline passes, or the server stops.
///
/// Invariants:
/// 1. Every mutable field is touched only on `queue` (hence `@unchecked Sendable`).
/// 2. At most one wait is pending; it is resumed exactly once (ready, timed out, draining or
///    closed), and its timer and source are disarmed when it is.
/// 3. A Dispatch source is resumed only while a wait for its direction is pending, so a
///    level-triggered readable socket nobody is waiting on costs nothing.
/// 4. The descriptor is closed only after every source on it reported its cancellation, as
///    Dispatch requires; until `close()` nobody else closes it.
final class DescriptorWaiter: @unchecked Sendable {  // state confined to `queue` (invariant 1)
    enum Interest { case read, write }

    enum Outcome: Equatable {
        case ready
        case timedOut
        /// The server is draining and the wait was marked drainable.
        case draining
        /// `interrupt()` or `close()` ended the wait, or the waiting task was cancelled.
        case closed
    }

    private struct Pending {
        let interest: Interest?
        let drainable: Bool
        let continuation: CheckedContinuation<Outcome, Never>
        let timer: DispatchWorkItem?
    }

    let fd: Int32
    private let queue: DispatchQueue
    private var sources: [Interest: DispatchSourceProtocol] = [:]
    /// Directions whose source is resumed (invariant 3).
    private var armed: Set<Interest> = []
    private var pending: Pending?
    private var draining = false
    private var interrupted = false
    private var closing = false
    private var liveSources = 0
    private var onClosed: (@Sendable () -> Void)?

    init(fd: Int32, label: String) {
        self.fd = fd
        self.queue = DispatchQueue(label: label, target: .global())
    }

    /// Waits until the descriptor is ready for `interest` (nil: only the deadline and the
    /// endings count, a pause), `deadline` passes (nil: never), or the wait is ended. A
    /// `drainable` wait also ends when the server starts draining.
    func wait(for interest: Interest?, deadline: DispatchTime?, drainable: Bool) async -> Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async {
                    self.register(interest, deadline: deadline, drainable: drainable, continuation)
                }
            }
        } onCancel: {
            self.interrupt()
        }
    }

    /// Ends a pending drainable wait with `.draining`; later drainable waits end at once.
    func drain() {
        queue.async {
            self.draining = true
            if self.pending?.drainable == true { self.resolve(.draining) }
        }
    }

    /// Ends the pending wait, and every later one, with `.closed`.
    func interrupt() {
        queue.async {
            self.interrupted = true
            self.resolve(.closed)
        }
    }

    /// `interrupt()`, and also shuts the socket down both ways so a peer or a write in progress
    /// notices at once. Runs on `queue`, so it never touches a descriptor `close()` released
    /// (whose number may already belong to someone else).
    func abort() {
        queue.async {
            self.interrupted = true
            self.resolve(.closed)
            guard !self.closing else { return }
            // ENOTCONN (the peer is already gone) is the only expected failure; either way
            // the socket is done.
            _ = Syscall.shutdown(self.fd, Int32(SHUT_RDWR))
        }
    }

    /// Stops watching the descriptor and closes it (invariant 4). Call once, when done with it.
    func close() {
        close(then: nil)
    }

    /// `close()`, returning once the descriptor is really closed.
    func closeAndWait() async {
        await withCheckedContinuation { continuation in
            close { continuation.resume() }
        }
    }

    private func close(then closed: (@Sendable () -> Void)?) {
        queue.async {
            self.onClosed = closed
            self.interrupted = true
            self.resolve(.closed)
            self.closing = true
            for (interest, source) in self.sources {
                source.cancel()
                // A suspended source reports its cancellation only once resumed.
                if !self.armed.contains(interest) { source.resume() }
            }
            self.armed = Set(self.sources.keys)
            if self.liveSources == 0 { self.closeDescriptor() }
        }
    }

    private func register(_ interest: Interest?, deadline: DispatchTime?, drainable: Bool,
                          _ continuation: CheckedContinuation<Outcome, Never>) {
        precondition(pending == nil, "two concurrent waits on one descriptor")
        if interrupted || closing { return continuation.resume(returning: .closed) }
        if drainable, draining { return continuation.resume(returning: .draining) }
        var timer: DispatchWorkItem?
        if let deadline {
            let item = DispatchWorkItem { [weak self] in self?.resolve(.timedOut) }
            queue.asyncAfter(deadline: deadline, execute: item)
            timer = item
        }
        pending = Pending(interest: interest, drainable: drainable, continuation: continuation, timer: timer)
        if let interest { arm(interest) }
    }

    /// Resumes the pending wait, if any, and disarms what it armed (invariant 2).
    private func resolve(_ outcome: Outcome) {
        guard let waiting = pending else { return }
        pending = nil
        waiting.timer?.cancel()
        if let interest = waiting.interest { disarm(interest) }
        waiting.continuation.resume(returning: outcome)
    }

    private func arm(_ interest: Interest) {
        let source = sources[interest] ?? makeSource(interest)
        if armed.insert(interest).inserted { source.resume() }
    }

    private func disarm(_ interest: Interest) {
        guard !closing, armed.remove(interest) != nil else { return }
        sources[interest]?.suspend()
    }

    private func makeSource(_ interest: Interest) -> DispatchSourceProtocol {
        let source: DispatchSourceProtocol = switch interest {
        case .read: DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        case .write: DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        }
        configure(source)
        sources[interest] = source
        return source
    }

    private func configure(_ source: DispatchSourceProtocol) {
        liveSources += 1
        source.setEventHandler { [weak self] in self?.resolve(.ready) }
        // Strong on purpose: the descriptor must be closed even if the owner let go already.
        // The cycle through the source ends when Dispatch drops the handlers after cancelling.
        source.setCancelHandler { self.sourceCancelled() }
    }

    private func sourceCancelled() {
        liveSources -= 1
        if liveSources == 0, closing { closeDescriptor() }
    }

    private func closeDescriptor() {
        // close(2) fails only with EBADF (a bug) or EINTR/EIO, after which the descriptor is
        // released anyway; there is nothing to retry.
        _ = Syscall.close(fd)
        onClosed?()
        onClosed = nil
    }
}
