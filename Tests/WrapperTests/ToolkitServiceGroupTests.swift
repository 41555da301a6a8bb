import Synchronization
import Testing
@testable import Toolkit

/// What the test services did, in order.
final class Journal<Entry: Sendable>: Sendable {
    private let entries = Mutex<[Entry]>([])
    func add(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }
}

struct TestFailure: Error, Equatable {
    let label: String
}

/// A service that records its start and its stop: it runs until cancelled (or, `graceful`,
/// until `shutdownGracefully`), or ends by itself after `endAfter`, then throws `failure` if set.
struct RecordingService: Service {
    let name: String
    let journal: Journal<String>
    var graceful = false
    var endAfter: Duration?
    var failure: TestFailure?
    var failureOnStop: TestFailure?
    private let stop = AsyncStream.makeStream(of: Never.self)

    init(_ name: String, _ journal: Journal<String>, graceful: Bool = false, endAfter: Duration? = nil,
         failure: TestFailure? = nil, failureOnStop: TestFailure? = nil) {
        self.name = name
        self.journal = journal
        self.graceful = graceful
        self.endAfter = endAfter
        self.failure = failure
        self.failureOnStop = failureOnStop
    }

    func run() async throws {
        journal.add("start \(name)")
        if let endAfter {
            try await Task.sleep(for: endAfter)
            journal.add("end \(name)")
            if let failure { throw failure }
            return
        }
        if graceful {
            for await _ in stop.stream {}
            try? await Task.sleep(for: .milliseconds(30))  // in-flight work
            journal.add("drained \(name)")
            return
        }
        do {
            try await Task.sleep(for: .seconds(3600))
        } catch {
            journal.add("cancelled \(name)")
            if let failureOnStop { throw failureOnStop }
            throw error
        }
    }

    func shutdownGracefully() -> Bool {
        guard graceful else { return false }
        journal.add("shutdown \(name)")
        stop.continuation.finish()
        return true
    }
}

/// Polls `condition` every 5 ms for up to 5 s.
func eventually(_ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<1000 {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

@Suite struct ToolkitServiceGroupTests {
    let journal = Journal<String>()
    let reasons = Journal<ServiceGroup.StopReason>()

    func group(_ services: [any Service], onSignal: @escaping @Sendable (UnixSignal) async -> Void = { _ in }) -> ServiceGroup {
        ServiceGroup(services, onSignal: onSignal, onStop: { [reasons] reason in reasons.add(reason) })
    }

    /// Runs `group` until `body` is done with it, feeding it the signals `body` sends.
    func run(_ group: ServiceGroup, _ body: (_ signals: AsyncStream<UnixSignal>.Continuation) async throws -> Void) async throws -> ServiceGroupError? {
        let (signals, sink) = AsyncStream.makeStream(of: UnixSignal.self)
        return try await withThrowingTaskGroup(of: ServiceGroupError?.self) { tasks in
            tasks.addTask {
                do {
                    try await group.run(until: signals)
                    return nil
                } catch let error as ServiceGroupError {
                    return error
                }
            }
            try await body(sink)
            let result = try await tasks.next() ?? nil
            return result
        }
    }

    @Test func startsInOrderAndStopsInReverseOnSIGTERMWaitingForAGracefulService() async throws {
        let services: [any Service] = [RecordingService("a", journal), RecordingService("b", journal, graceful: true),
                                       RecordingService("c", journal)]
        let failure = try await run(group(services)) { signals in
            let ready = try await eventually { journal.all.count == 3 }
            #expect(ready)
            signals.yield(.term)
        }
        #expect(failure == nil)
        #expect(journal.all == ["start a", "start b", "start c", "cancelled c", "shutdown b", "drained b", "cancelled a"])
        #expect(reasons.all == [.signal(.term)])
    }

    @Test func aServiceThatEndsByItselfStopsTheOthersAndFailsTheGroup() async throws {
        let services: [any Service] = [RecordingService("a", journal), RecordingService("b", journal, endAfter: .milliseconds(50)),
                                       RecordingService("c", journal)]
        let failure = try #require(try await run(group(services)) { _ in })
        #expect(failure.code == .serviceEnded && failure.service == "b")
        #expect(failure.message == "the b service stopped by itself")
        #expect(failure.exitCode == .internalError)
        #expect(journal.all.suffix(3) == ["end b", "cancelled c", "cancelled a"])
        #expect(reasons.all == [.serviceEnded("b")])
    }

    @Test func theFirstErrorWinsOverErrorsWhileStopping() async throws {
        let services: [any Service] = [RecordingService("a", journal, failureOnStop: TestFailure(label: "a on stop")),
                                       RecordingService("b", journal, endAfter: .milliseconds(30), failure: TestFailure(label: "b"))]
        let failure = try #require(try await run(group(services)) { _ in })
        #expect(failure.code == .serviceFailed && failure.service == "b")
        #expect(failure.underlying as? TestFailure == TestFailure(label: "b"))
        #expect(journal.all.last == "cancelled a")
    }

    @Test func anErrorWhileStoppingIsKeptWhenItIsTheFirst() async throws {
        let services: [any Service] = [RecordingService("a", journal, failureOnStop: TestFailure(label: "a on stop")),
                                       RecordingService("b", journal)]
        let failure = try await run(group(services)) { signals in
            let ready = try await eventually { journal.all.count == 2 }
            #expect(ready)
            signals.yield(.int)
        }
        #expect(failure?.code == .serviceFailed && failure?.service == "a")
        #expect(journal.all.suffix(2) == ["cancelled b", "cancelled a"])
        #expect(reasons.all == [.signal(.int)])
    }

    @Test func otherSignalsGoToTheOwnerAndStopNothing() async throws {
        let heard = Journal<UnixSignal>()
        let services: [any Service] = [RecordingService("a", journal)]
        let failure = try await run(group(services) { signal in heard.add(signal) }) { signals in
            signals.yield(.hup)
            signals.yield(.usr1)
            let heardBoth = try await eventually { heard.all.count == 2 }
            #expect(heardBoth)
            #expect(journal.all == ["start a"])
            signals.yield(.term)
        }
        #expect(failure == nil)
        #expect(heard.all == [.hup, .usr1])
        #expect(journal.all == ["start a", "cancelled a"])
    }

    @Test func cancellingTheTaskStopsTheGroupWithoutAnError() async throws {
        let group = group([RecordingService("a", journal), RecordingService("b", journal, graceful: true)])
        let task = Task { try await group.run(until: AsyncStream<UnixSignal> { _ in }) }
        #expect(try await eventually { journal.all.count == 2 })
        task.cancel()
        try await task.value
        // Cancellation reaches every service at once; the group still waits for each.
        #expect(journal.all.contains("cancelled a") && journal.all.contains("drained b"))
        #expect(reasons.all == [.cancelled])
    }

    @Test func signalsThatEndStopNothing() async throws {
        let group = group([RecordingService("a", journal)])
        let task = Task { try await group.run(until: AsyncStream<UnixSignal> { $0.finish() }) }
        #expect(try await eventually { journal.all.count == 1 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(journal.all == ["start a"])
        task.cancel()
        try await task.value
        #expect(journal.all == ["start a", "cancelled a"])
    }
}
