import Testing
@testable import Toolkit

@Suite struct ToolkitBackoffTests {
    @Test func everyDelayIsWithinTheDoublingCeiling() {
        let seed = ToolkitSeededGenerator.seedFromEnvironment()
        print("ToolkitBackoffTests seed \(seed) (replay with TOOLKIT_TEST_SEED=\(seed))")
        var random = ToolkitSeededGenerator(seed: seed)
        var backoff = Backoff()
        var sawAboveHalfCeiling = false
        for n in 0..<40 {
            let ceiling = min(Duration.seconds(300), .seconds(1) * (1 << min(n, 20)))
            #expect(backoff.ceiling(afterAttempts: n) == ceiling, "n=\(n) seed=\(seed)")
            let delay = backoff.failure(random: &random)
            #expect(delay >= .zero && delay <= ceiling, "n=\(n) delay=\(delay) seed=\(seed)")
            #expect(backoff.attempts == n + 1)
            if delay > ceiling / 2 { sawAboveHalfCeiling = true }
        }
        #expect(sawAboveHalfCeiling, "jitter never used the upper half; seed=\(seed)")
    }

    @Test func jitterSpreadsOverTheWholeRange() {
        var random = ToolkitSeededGenerator(seed: 7)
        var delays: [Duration] = []
        for _ in 0..<400 {
            var backoff = Backoff(base: .seconds(10), cap: .seconds(10))
            delays.append(backoff.failure(random: &random))
        }
        #expect(delays.min()! < .seconds(1))
        #expect(delays.max()! > .seconds(9))
        #expect(Set(delays).count > 390)
    }

    @Test func capHoldsAtHugeAttemptCountsWithoutOverflow() {
        let backoff = Backoff(base: .nanoseconds(1), cap: .seconds(300))
        #expect(backoff.ceiling(afterAttempts: 10_000) == .seconds(300))
        #expect(backoff.ceiling(afterAttempts: .max) == .seconds(300))
        #expect(Backoff().ceiling(afterAttempts: 0) == .seconds(1))
        #expect(Backoff().ceiling(afterAttempts: 8) == .seconds(256))
        #expect(Backoff().ceiling(afterAttempts: 9) == .seconds(300))
        var random = ToolkitSeededGenerator(seed: 1)
        var huge = Backoff(base: .seconds(1), cap: .seconds(Int64.max / 2))
        for _ in 0..<100 { #expect(huge.failure(random: &random) >= .zero) }
    }

    @Test func successResetsTheCeiling() {
        var random = ToolkitSeededGenerator(seed: 3)
        var backoff = Backoff(base: .milliseconds(100), cap: .seconds(60))
        for _ in 0..<12 { _ = backoff.failure(random: &random) }
        #expect(backoff.attempts == 12)
        backoff.success()
        #expect(backoff.attempts == 0)
        for _ in 0..<50 {
            var fresh = backoff
            #expect(fresh.failure(random: &random) <= .milliseconds(100))
        }
    }

    @Test func minimumDelayIsRespected() {
        var random = ToolkitSeededGenerator(seed: 5)
        var backoff = Backoff()
        for _ in 0..<20 {
            #expect(backoff.failure(atLeast: .seconds(30), random: &random) >= .seconds(30))
        }
        var system = Backoff()
        #expect(system.failure() <= .seconds(1))
        #expect(system.failure() <= .seconds(2))
    }

    @Test func nanosecondConversionSaturates() {
        #expect(Backoff.nanoseconds(.milliseconds(1500)) == 1_500_000_000)
        #expect(Backoff.nanoseconds(.seconds(Int64.max)) == .max)
    }
}
