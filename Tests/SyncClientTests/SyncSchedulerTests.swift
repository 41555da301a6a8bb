import Foundation
import Toolkit
import SyncClient
import SyncProtocol
import Testing

typealias SeededRandom = SplitMix64

/// The seed for randomized tests: `FIELDSYNC_SEED` replays a failure.
func testSeed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["FIELDSYNC_SEED"], let seed = UInt64(text) { return seed }
    return UInt64.random(in: 0...UInt64.max)
}

@Suite struct SyncSchedulerTests {
    let unreachable = SyncClientError(.transport, "refused", retry: .backoff, transportCode: "couldNotConnect")

    @Test func firstRoundIsDueAtOnceThenEveryInterval() {
        var s = SyncScheduler(interval: .seconds(60))
        #expect(s.isDue(at: .zero))
        s.succeeded(at: .seconds(1))
        #expect(!s.isDue(at: .seconds(60)))
        #expect(s.isDue(at: .seconds(61)))
        #expect(s.sleepDuration(at: .seconds(1), poll: .seconds(2)) == .seconds(2))
        #expect(s.sleepDuration(at: .seconds(60), poll: .seconds(2)) == .seconds(1))
    }

    @Test func backoffDelaysAreFullJitterWithinTheDoublingCeilingAndTheFiveMinuteCap() {
        let seed = testSeed()
        print("SyncSchedulerTests seed \(seed) (replay with FIELDSYNC_SEED=\(seed))")
        var random = SeededRandom(seed: seed)
        var s = SyncScheduler(interval: .seconds(60), backoffBase: .seconds(5), backoffCap: .seconds(300))
        var now = Duration.zero
        var sawLarge = false
        for n in 0..<40 {
            let ceiling = min(Duration.seconds(300), .seconds(5) * (1 << min(n, 20)))
            guard let delay = s.failed(unreachable, at: now, random: &random) else { Issue.record("backoff must not stop"); return }
            #expect(delay >= .zero && delay <= ceiling, "failure \(n): \(delay) not in 0…\(ceiling) (seed \(seed))")
            #expect(s.mode == .backingOff)
            #expect(s.due == now + delay)
            if delay > .seconds(150) { sawLarge = true }
            now += delay
        }
        #expect(s.failures == 40)
        #expect(sawLarge, "40 draws under a 300 s ceiling never exceeded 150 s (seed \(seed))")
        s.succeeded(at: now)
        #expect(s.failures == 0)
        #expect(s.due == now + .seconds(60))
    }

    @Test func retryAfterIsAFloor() {
        var random = SeededRandom(seed: 1)
        var s = SyncScheduler(backoffBase: .seconds(5))
        let limited = SyncClientError.hub(WireError(.rateLimited, "slow down"), retryAfter: .seconds(120))
        let delay = s.failed(limited, at: .zero, random: &random)
        #expect(delay.map { $0 >= .seconds(120) } == true)
    }

    @Test func stopAndReenrollSuspendUntilResume() {
        for error in [SyncClientError.hub(WireError(.revoked, "revoked")), .hub(WireError(.unauthenticated, "who?"))] {
            var random = SeededRandom(seed: 2)
            var s = SyncScheduler()
            #expect(s.failed(error, at: .seconds(3), random: &random) == nil)
            #expect(s.isStopped)
            #expect(!s.isDue(at: .seconds(100_000)))
            s.localWrite(at: .seconds(4))
            #expect(!s.isDue(at: .seconds(100_000)))
            #expect(s.mode == .stopped(reason: error.statusLine))
            s.resume(at: .seconds(10))
            #expect(s.isDue(at: .seconds(10)))
            #expect(!s.isStopped)
        }
    }

    @Test func localWriteSyncsSoonUnlessBackingOff() {
        var s = SyncScheduler(interval: .seconds(60))
        s.succeeded(at: .zero)
        s.localWrite(at: .seconds(5))
        #expect(s.isDue(at: .seconds(5)))

        var random = SeededRandom(seed: 3)
        var t = SyncScheduler(backoffBase: .seconds(100), backoffCap: .seconds(100))
        let delay = t.failed(unreachable, at: .zero, random: &random) ?? .zero
        t.localWrite(at: .zero)
        #expect(t.due == delay)
    }

    @Test func newIntervalShortensTheWait() {
        var s = SyncScheduler(interval: .seconds(600))
        s.succeeded(at: .zero)
        s.setInterval(.seconds(10), at: .seconds(1))
        #expect(s.due == .seconds(11))
        s.setInterval(.seconds(1000), at: .seconds(2))
        #expect(s.due == .seconds(11))
    }
}
