import Testing
@testable import SyncProtocol

@Suite struct HybridClockTests {
    @Test func tickIsStrictlyMonotonicWhenTheWallClockGoesBackwards() {
        var clock = HybridClock()
        var last = HLC.zero
        for wall: UInt64 in [1000, 1000, 1001, 900, 5, 1001, 1002, 0, 2000, 1999] {
            let t = clock.tick(wallMilliseconds: wall)
            #expect(t > last, "wall \(wall) gave \(t) after \(last)")
            last = t
        }
        #expect(last == HLC(milliseconds: 2000, counter: 1))
    }

    @Test func tickFollowsTheWallClockWhenItIsAhead() {
        var clock = HybridClock(last: HLC(milliseconds: 1000, counter: 40))
        #expect(clock.tick(wallMilliseconds: 1001) == HLC(milliseconds: 1001, counter: 0))
        #expect(clock.tick(wallMilliseconds: 1001) == HLC(milliseconds: 1001, counter: 1))
        #expect(clock.tick(wallMilliseconds: 999) == HLC(milliseconds: 1001, counter: 2))
    }

    @Test func counterOverflowMovesToTheNextMillisecond() {
        var clock = HybridClock(last: HLC(milliseconds: 1000, counter: UInt16.max - 1))
        #expect(clock.tick(wallMilliseconds: 1000) == HLC(milliseconds: 1000, counter: .max))
        #expect(clock.tick(wallMilliseconds: 1000) == HLC(milliseconds: 1001, counter: 0))
        #expect(clock.tick(wallMilliseconds: 1000) == HLC(milliseconds: 1001, counter: 1))
        var receiver = HybridClock(last: HLC(milliseconds: 1000, counter: 3))
        let t = try? receiver.receive(HLC(milliseconds: 1000, counter: .max), wallMilliseconds: 1000)
        #expect(t == HLC(milliseconds: 1001, counter: 0))
    }

    @Test func receiveMovesAboveBothClocks() throws {
        var clock = HybridClock(last: HLC(milliseconds: 1000, counter: 5))
        #expect(try clock.receive(HLC(milliseconds: 1000, counter: 9), wallMilliseconds: 10) == HLC(milliseconds: 1000, counter: 10))
        #expect(try clock.receive(HLC(milliseconds: 1500, counter: 2), wallMilliseconds: 1200) == HLC(milliseconds: 1500, counter: 3))
        #expect(try clock.receive(HLC(milliseconds: 10, counter: 0), wallMilliseconds: 1200) == HLC(milliseconds: 1500, counter: 4))
        #expect(try clock.receive(HLC(milliseconds: 10, counter: 0), wallMilliseconds: 2000) == HLC(milliseconds: 2000, counter: 0))
        #expect(clock.tick(wallMilliseconds: 0) == HLC(milliseconds: 2000, counter: 1))
    }

    @Test func receiveRefusesTheFarFutureAndLeavesTheClockUnchanged() throws {
        let drift = HybridClock.defaultMaxDriftMilliseconds
        var clock = HybridClock(last: HLC(milliseconds: 1000, counter: 5))
        let before = clock
        let wall: UInt64 = 1_000_000
        #expect(throws: ClockSkewError(remote: HLC(milliseconds: wall + drift + 1, counter: 0), wallMilliseconds: wall,
                                       maxDriftMilliseconds: drift)) {
            try clock.receive(HLC(milliseconds: wall + drift + 1, counter: 0), wallMilliseconds: wall)
        }
        #expect(clock == before)
        // Exactly at the limit is admitted and moves the clock.
        #expect(try clock.receive(HLC(milliseconds: wall + drift, counter: 0), wallMilliseconds: wall)
                == HLC(milliseconds: wall + drift, counter: 1))
        // Once the wall clock catches up, the same timestamp is admitted (quarantine release).
        var later = before
        #expect(throws: ClockSkewError.self) { try later.receive(HLC(milliseconds: 2_000_000, counter: 0), wallMilliseconds: wall) }
        #expect(try later.receive(HLC(milliseconds: 2_000_000, counter: 0), wallMilliseconds: 2_000_000 - drift)
                == HLC(milliseconds: 2_000_000, counter: 1))
    }

    @Test func wallClockBeyond48BitsIsClamped() {
        var clock = HybridClock()
        #expect(clock.tick(wallMilliseconds: .max) == HLC(milliseconds: HLC.maxMilliseconds, counter: 0))
    }

    /// A laptop whose clock ran a year ahead, once corrected, stamps by the corrected clock at
    /// once; without recovery it would count on from a year ahead.
    @Test func aClockFarAheadRecoversOnTheNextTickOrReceive() throws {
        let year: UInt64 = 365 * 86_400_000, now: UInt64 = 1_790_000_000_000
        var clock = HybridClock()
        _ = clock.tick(wallMilliseconds: now + year)
        #expect(clock.tick(wallMilliseconds: now) == HLC(milliseconds: now, counter: 1))
        #expect(clock.tick(wallMilliseconds: now + 3) == HLC(milliseconds: now + 3, counter: 0))
        var receiver = HybridClock(last: HLC(milliseconds: now + year, counter: 9))
        #expect(try receiver.receive(HLC(milliseconds: now + 10, counter: 2), wallMilliseconds: now) == HLC(milliseconds: now + 10, counter: 3))
        // Within maxDrift nothing is reset: an ordinary small step back keeps timestamps increasing.
        var near = HybridClock(last: HLC(milliseconds: now + 1000, counter: 0))
        #expect(near.tick(wallMilliseconds: now) == HLC(milliseconds: now + 1000, counter: 1))
    }

    @Test func theLimitSaturatesSoAHugeDriftTurnsTheGuardOff() {
        let off = HybridClock(maxDriftMilliseconds: .max)
        #expect(off.limit(wallMilliseconds: 5) == .max)
        #expect(!off.isAhead(HLC(milliseconds: HLC.maxMilliseconds, counter: 0), wallMilliseconds: 0))
        #expect(HybridClock().limit(wallMilliseconds: 10) == 10 + HybridClock.defaultMaxDriftMilliseconds)
    }

    @Test func rawValueOrderIsMillisecondsThenCounter() {
        #expect(HLC(milliseconds: 1, counter: 0) > HLC(milliseconds: 0, counter: .max))
        #expect(HLC(milliseconds: 0x0123_4567_89AB, counter: 0xCDEF).rawValue == 0x0123_4567_89AB_CDEF)
        #expect(HLC(milliseconds: 7, counter: 3).description == "7.3")
    }
}
