import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Unix signals as an async sequence, over `DispatchSourceSignal` (after swift-service-
/// lifecycle's `UnixSignalsSequence`).
///
///     let signals = UnixSignals(.term, .int, .hup)
///     await signals.registered()            // optional: from here on no signal is missed
///     for await signal in signals {
///         if signal == .hup { reload() } else { break }
///     }
///
/// - Signals are caught from ``init(_:)-(UnixSignal...)`` on and buffered (the newest 32) until
///   iterated; ``registered()`` returns once Dispatch is really listening.
/// - One consumer per sequence. The sequence ends when the iterating task is cancelled (the
///   loop then gets `nil`), or when the sequence and its iterator are gone; both cancel the
///   Dispatch sources. No task is created.
/// - Default action: a signal with the default disposition (terminate) is switched to
///   `SIG_IGN` when first asked for, so it cannot kill the process before Dispatch listens. On
///   Linux, libdispatch then installs its own forwarding handler for that signal and keeps it
///   for the life of the process: after the first `UnixSignals` for a signal, that signal
///   never terminates the process by default again; one arriving while nobody iterates is held
///   and may be delivered to the next `UnixSignals` for it. (We do not set `SIG_IGN` over
///   Dispatch's handler: the kernel would then discard the signal.)
public struct UnixSignals: AsyncSequence, Sendable {
    public typealias Element = UnixSignal
    public typealias Failure = Never

    /// Signals newer than this many unread ones push out the oldest.
    static let bufferSize = 32
    private static let queue = DispatchQueue(label: "fieldsync.toolkit.unix-signals")

    private let storage: Storage

    /// Starts catching `signals` (duplicates are ignored).
    public init(_ signals: UnixSignal...) {
        self.init(signals)
    }

    /// Starts catching `signals` (duplicates are ignored).
    public init(_ signals: [UnixSignal]) {
        var unique: [UnixSignal] = []
        for signal in signals where !unique.contains(signal) { unique.append(signal) }
        storage = Storage(signals: unique, queue: Self.queue)
    }

    /// Returns once Dispatch listens for every signal of this sequence (or the sequence ended).
    public func registered() async {
        await storage.registered()
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(iterator: storage.stream.makeAsyncIterator(), storage: storage)
    }

    /// Yields each signal as it arrives; `nil` once the sequence ended or the task is cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var iterator: AsyncStream<UnixSignal>.Iterator
        /// Keeps the Dispatch sources alive while the iterator is in use.
        private let storage: Storage

        fileprivate init(iterator: AsyncStream<UnixSignal>.Iterator, storage: Storage) {
            self.iterator = iterator
            self.storage = storage
        }

        public mutating func next() async -> UnixSignal? {
            await iterator.next()
        }
    }

    /// Sets `signal` to be ignored for the whole process; for `.pipe`, so that a write to a
    /// closed socket returns `EPIPE` instead of killing the server. Do not use it for a signal
    /// you iterate with ``UnixSignals`` (the kernel would discard it).
    public static func ignore(_ signal: UnixSignal) {
        _ = Glibc.signal(signal.rawValue, SIG_IGN)
    }

    /// Clears the signal mask this process inherited. A program started from a thread that
    /// blocks SIGTERM (a test runner, some supervisors) would otherwise never see SIGTERM or
    /// SIGINT, and `systemctl stop` would have to kill it. Call first thing in `main`; the
    /// corresponding C function is `pthread_sigmask(SIG_SETMASK, …)`.
    public static func unblockAll() {
        var empty = sigset_t()
        sigemptyset(&empty)
        _ = pthread_sigmask(SIG_SETMASK, &empty, nil)
    }
}

extension UnixSignals {
    /// Owns the Dispatch sources; cancels them when the last copy of the sequence and its
    /// iterator are gone.
    fileprivate final class Storage: Sendable {
        let stream: AsyncStream<UnixSignal>
        private let continuation: AsyncStream<UnixSignal>.Continuation
        private let sources: [SignalSource]
        private let registration: Locked<Registration>

        init(signals: [UnixSignal], queue: DispatchQueue) {
            (stream, continuation) = AsyncStream.makeStream(of: UnixSignal.self,
                                                            bufferingPolicy: .bufferingNewest(UnixSignals.bufferSize))
            let registration = Locked(Registration(pending: Set(signals.map(\.rawValue))))
            self.registration = registration
            let continuation = self.continuation
            sources = signals.map { signal in
                Self.ignoreIfDefault(signal)
                let source = SignalSource(DispatchSource.makeSignalSource(signal: signal.rawValue, queue: queue))
                source.base.setEventHandler { continuation.yield(signal) }
                source.base.setRegistrationHandler { Registration.done(signal, in: registration) }
                source.base.setCancelHandler { Registration.done(signal, in: registration) }
                return source
            }
            let sources = self.sources
            continuation.onTermination = { _ in
                for source in sources { source.base.cancel() }
            }
            if sources.isEmpty { continuation.finish() }
            for source in sources { source.base.resume() }
        }

        deinit {
            for source in sources { source.base.cancel() }
            continuation.finish()
        }

        func registered() async {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let ready = registration.withLock { state -> Bool in
                    if state.pending.isEmpty { return true }
                    state.waiters.append(waiter)
                    return false
                }
                if ready { waiter.resume() }
            }
        }

        /// `SIG_DFL` → `SIG_IGN`, so the signal cannot kill us before Dispatch installs its
        /// handler; any other disposition (Dispatch's handler, a caller's choice) is left alone.
        private static func ignoreIfDefault(_ signal: UnixSignal) {
            var current = sigaction()
            guard sigaction(signal.rawValue, nil, &current) == 0 else { return }
            let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
            if handler == unsafeBitCast(SIG_DFL, to: Int.self) {
                _ = Glibc.signal(signal.rawValue, SIG_IGN)
            }
        }
    }

    /// Which signals Dispatch has not confirmed yet, and who waits for them.
    fileprivate struct Registration: Sendable {
        var pending: Set<Int32>
        var waiters: [CheckedContinuation<Void, Never>] = []

        /// Marks `signal` registered (or given up, when its source is cancelled first) and
        /// wakes the waiters once none is pending.
        static func done(_ signal: UnixSignal, in box: Locked<Registration>) {
            let waiters = box.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.pending.remove(signal.rawValue)
                guard state.pending.isEmpty else { return [] }
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// A Dispatch signal source.
    fileprivate struct SignalSource: @unchecked Sendable {
        // @unchecked Sendable: DispatchSource objects are thread-safe; we only set handlers
        // before `resume()` and call `cancel()`, both documented as safe from any thread.
        let base: any DispatchSourceSignal

        init(_ base: any DispatchSourceSignal) {
            self.base = base
        }
    }
}
