/// Runs a program's services together and stops them together (after swift-service-lifecycle's
/// `ServiceGroup`): `missionhub serve` and `fieldnode daemon` are each one group.
///
/// Rules (invariants):
/// 1. Services start in the order given: a service's `run()` has begun before the next one's
///    task is created. What a later service needs from an earlier one (a bound socket, an open
///    store) is made before the group runs, so no service waits for another to be "ready".
/// 2. The group stops on the first of: a stop signal (`stopSignals`, SIGTERM and SIGINT by
///    default), a service returning or throwing by itself, or the cancellation of the task
///    that runs it. Other signals (SIGHUP) go to `onSignal` and the services keep running; a
///    signal sequence that ends stops nothing.
/// 3. Stopping goes in reverse order, one service at a time: a service that stops gracefully
///    (``Service/shutdownGracefully()``) is waited for, any other is cancelled and waited for;
///    only then is the previous one stopped. `onStop` hears why, once, before the first.
/// 4. The first error wins and is thrown once every service has ended: a service that ended by
///    itself (`serviceEnded`: a server must not stop unasked) or threw (`serviceFailed`). A
///    `CancellationError` of a service the group was stopping is no error; neither is a stop
///    signal or the cancellation of the group's task. So a stop signal gives a normal return,
///    and a failed service a non-zero exit (``ServiceGroupError/exitCode``), which is what
///    systemd's `Restart=on-failure` needs.
/// 5. No task outlives ``run(until:)``.
public struct ServiceGroup: Sendable {
    /// Why the group began to stop.
    public enum StopReason: Sendable, Equatable, CustomStringConvertible {
        /// A stop signal arrived.
        case signal(UnixSignal)
        /// The named service returned while nobody asked it to stop.
        case serviceEnded(String)
        /// The named service threw.
        case serviceFailed(String)
        /// The task running the group was cancelled.
        case cancelled

        public var description: String {
            switch self {
            case .signal(let signal): signal.description
            case .serviceEnded(let name): "\(name) ended"
            case .serviceFailed(let name): "\(name) failed"
            case .cancelled: "cancelled"
            }
        }
    }

    public let services: [any Service]
    public let stopSignals: Set<UnixSignal>
    private let onSignal: @Sendable (UnixSignal) async -> Void
    private let onStop: @Sendable (StopReason) -> Void

    /// A group of `services` (rule 1). `onSignal` handles every signal that is not in
    /// `stopSignals` (a reload on SIGHUP) while the services run; `onStop` is told why the group
    /// stops (log it, send `STOPPING=1`).
    public init(_ services: [any Service], stopSignals: Set<UnixSignal> = [.term, .int],
                onSignal: @escaping @Sendable (UnixSignal) async -> Void = { _ in },
                onStop: @escaping @Sendable (StopReason) -> Void = { _ in }) {
        self.services = services
        self.stopSignals = stopSignals
        self.onSignal = onSignal
        self.onStop = onStop
    }

    /// Runs every service until the group stops (rule 2), then stops them (rule 3). Signals come
    /// from `signals`: the process's ``UnixSignals`` in production, any sequence in tests.
    /// - Throws: the first failure (rule 4); returns normally after a stop signal or cancellation.
    public func run<Signals: AsyncSequence & Sendable>(until signals: Signals) async throws(ServiceGroupError)
        where Signals.Element == UnixSignal, Signals.Failure == Never {
        let triggers = services.map { _ in AsyncStream.makeStream(of: Never.self) }
        let failure: ServiceGroupError? = await withTaskGroup(of: Event.self) { group in
            group.addTask { [stopSignals, onSignal] in
                for await signal in signals {
                    if stopSignals.contains(signal) { return .signal(signal) }
                    await onSignal(signal)
                }
                return .signalsEnded
            }
            let (started, startedSink) = AsyncStream.makeStream(of: Void.self)
            var startedIterator = started.makeAsyncIterator()
            for (index, service) in services.enumerated() {
                let trigger = triggers[index].stream
                group.addTask { .ended(index, await Self.run(service, cancelledBy: trigger, started: startedSink)) }
                _ = await startedIterator.next()
            }
            startedSink.finish()
            var state = StopState(services: services)
            while state.reason == nil, let event = await group.next() {
                state.record(event, stopping: false, cancelled: Task.isCancelled)
            }
            onStop(state.reason ?? .cancelled)
            for index in services.indices.reversed() where state.running.contains(index) {
                if !services[index].shutdownGracefully() { triggers[index].continuation.finish() }
                while state.running.contains(index), let event = await group.next() {
                    state.record(event, stopping: true, cancelled: Task.isCancelled)
                }
            }
            group.cancelAll()  // the signal watcher
            return state.failure
        }
        for trigger in triggers { trigger.continuation.finish() }
        if let failure { throw failure }
    }

    /// Runs `service` until it ends or `trigger` finishes, which cancels it; yields to `started`
    /// as it calls `run()`.
    private static func run(_ service: any Service, cancelledBy trigger: AsyncStream<Never>,
                            started: AsyncStream<Void>.Continuation) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { inner in
            inner.addTask {
                started.yield()
                do {
                    try await service.run()
                    return .returned
                } catch {
                    return .threw(error)
                }
            }
            inner.addTask {
                for await _ in trigger {}
                return nil
            }
            var outcome = Outcome.returned
            while let next = await inner.next() {
                if let next { outcome = next }
                inner.cancelAll()  // the run ended: stop waiting for the trigger; or the reverse
            }
            return outcome
        }
    }

    fileprivate enum Outcome: Sendable {
        case returned
        case threw(any Error)
    }

    fileprivate enum Event: Sendable {
        case signal(UnixSignal)
        case signalsEnded
        case ended(Int, Outcome)
    }

    /// What the group knows while it runs and stops: pure bookkeeping for rules 2 and 4.
    private struct StopState {
        let names: [String]
        var running: Set<Int>
        var reason: StopReason?
        var failure: ServiceGroupError?

        init(services: [any Service]) {
            names = services.map(\.name)
            running = Set(services.indices)
        }

        mutating func record(_ event: Event, stopping: Bool, cancelled: Bool) {
            switch event {
            case .signal(let signal):
                if reason == nil { reason = .signal(signal) }
            case .signalsEnded:
                break
            case .ended(let index, let outcome):
                running.remove(index)
                let name = names[index]
                switch outcome {
                case .returned where stopping || cancelled:
                    break
                case .returned:
                    fail(.serviceEnded(name), ServiceGroupError(.serviceEnded, service: name))
                case .threw(let error) where error is CancellationError && (stopping || cancelled):
                    break
                case .threw(let error):
                    fail(.serviceFailed(name), ServiceGroupError(.serviceFailed, service: name, underlying: error))
                }
                if reason == nil, cancelled { reason = .cancelled }
            }
        }

        private mutating func fail(_ why: StopReason, _ error: ServiceGroupError) {
            if reason == nil { reason = why }
            if failure == nil { failure = error }
        }
    }
}
