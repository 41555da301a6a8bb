import Synchronization
import Testing
@testable import Toolkit

/// A liveness check the test switches between alive, failing and hung.
final class SwitchableCheck: Sendable {
    private struct State {
        var failure: String?
        var hung = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func fail(_ reason: String?) { state.withLock { $0.failure = reason } }

    /// From now on probes block (without noticing cancellation, as a blocked store queue
    /// does) until `release`.
    func hang() { state.withLock { $0.hung = true } }

    func release() {
        let waiting = state.withLock { state in
            state.hung = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    var check: LivenessCheck {
        LivenessCheck("switch") { [self] in
            await withCheckedContinuation { continuation in
                let hung = state.withLock { state in
                    if state.hung { state.waiting.append(continuation) }
                    return state.hung
                }
                if !hung { continuation.resume() }
            }
            return state.withLock { $0.failure }
        }
    }
}

@Suite struct ToolkitWatchdogTests {
    /// Runs `watchdog` while `body` runs, collecting the datagrams it sends.
    func running(_ watchdog: Watchdog, _ listener: ToolkitNotifyListener,
                 _ body: (_ pings: () -> Int) async throws -> Void) async throws {
        let seen = Mutex(0)
        let pings: () -> Int = {
            let new = listener.datagrams().filter { $0 == "WATCHDOG=1" }.count
            return seen.withLock { $0 += new; return $0 }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watchdog.run() }
            try await body(pings)
            group.cancelAll()
            await #expect(throws: CancellationError.self) { try await group.next() }
        }
    }

    func watchdog(_ checks: [LivenessCheck], _ listener: ToolkitNotifyListener, _ logs: LogCapture) -> Watchdog {
        Watchdog(interval: .milliseconds(20), deadline: .milliseconds(40), checks: checks,
                 notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]),
                 logger: Logger(minimumLevel: .debug, sink: logs.sink))
    }

    /// Waits for the round in flight to end, then asserts no ping for 250 ms.
    func expectNoPings(_ pings: () -> Int) async throws {
        try await Task.sleep(for: .milliseconds(100))
        let before = pings()
        try await Task.sleep(for: .milliseconds(250))
        #expect(pings() == before, "the watchdog pinged while a check failed")
    }

    @Test func pingsOnlyWhileEveryCheckPasses() async throws {
        let listener = try ToolkitNotifyListener()
        let logs = LogCapture()
        let failing = SwitchableCheck(), alive = SwitchableCheck()
        try await running(watchdog([alive.check, failing.check], listener, logs), listener) { pings in
            #expect(try await eventually { pings() >= 3 })
            failing.fail("broken")
            try await expectNoPings(pings)
            failing.fail(nil)
            let before = pings()
            #expect(try await eventually { pings() > before }, "no ping once the check passed again")
        }
        let warnings = logs.lines.filter { $0.hasPrefix("<4>watchdog not pinged") }
        #expect(warnings == ["<4>watchdog not pinged: a liveness check failed check=switch reason=broken"], "one warning per failing streak")
        #expect(logs.lines.contains("<5>liveness checks pass again; watchdog pinged"))
    }

    @Test func aCheckThatHangsStopsThePingsUntilItAnswers() async throws {
        let listener = try ToolkitNotifyListener()
        let logs = LogCapture()
        let store = SwitchableCheck()
        try await running(watchdog([store.check], listener, logs), listener) { pings in
            #expect(try await eventually { pings() >= 2 })
            store.hang()
            try await expectNoPings(pings)
            #expect(logs.lines.contains { $0.hasPrefix("<4>watchdog not pinged") && $0.contains("reason=\"no answer within 40 ms\"") })
            store.release()
            let before = pings()
            #expect(try await eventually { pings() > before }, "no ping once the check answered again")
        }
    }

    @Test func aHeartbeatThatStopsBeatingStopsThePings() async throws {
        let listener = try ToolkitNotifyListener()
        let logs = LogCapture()
        let heartbeat = Heartbeat(initial: .milliseconds(100))
        try await running(watchdog([.heartbeat("loop", heartbeat)], listener, logs), listener) { pings in
            try await withThrowingTaskGroup(of: Void.self) { loop in
                loop.addTask {
                    while !Task.isCancelled {
                        heartbeat.beat(nextWithin: .milliseconds(100))
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                }
                #expect(try await eventually { pings() >= 3 })
                loop.cancelAll()  // the loop hangs
                try await Task.sleep(for: .milliseconds(100))
                try await expectNoPings(pings)
            }
        }
        #expect(logs.lines.contains { $0.contains("check=loop reason=\"no progress for") })
    }

    @Test func aHeartbeatIsOverdueOnlyOnceItsPromiseHasPassed() {
        let start = ContinuousClock.now
        let heartbeat = Heartbeat(initial: .seconds(1), now: start)
        #expect(heartbeat.overdue(at: start + .milliseconds(999)) == nil)
        #expect(heartbeat.overdue(at: start + .milliseconds(1500)) == "no progress for 1500 ms (promised within 1000 ms)")
        heartbeat.beat(nextWithin: .seconds(60), now: start + .seconds(2))
        #expect(heartbeat.overdue(at: start + .seconds(61)) == nil)
        #expect(heartbeat.overdue(at: start + .seconds(63)) != nil)
    }

    @Test func withoutWatchdogUsecThereIsNoWatchdog() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/notify"])
        #expect(Watchdog(notifier: notifier, checks: [], logger: .disabled) == nil)
        let asked = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/notify", "WATCHDOG_USEC": "60000000"])
        let watchdog = Watchdog(notifier: asked, checks: [], logger: .disabled)
        #expect(watchdog?.interval == .seconds(30) && watchdog?.deadline == .seconds(15))
    }
}
