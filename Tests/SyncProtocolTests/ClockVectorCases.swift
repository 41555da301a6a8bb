@testable import SyncProtocol

/// Hand-written clock cases (spec §4) for Protocols/vectors/clock.json: a start state, then
/// tick and receive events with the wall clock each sees, and the `last` each must leave (or
/// the refusal). The expectations are written from the rules, not computed, so they can catch
/// the clock.
struct ClockCase {
    enum Event {
        /// Tick at `wall`; `last` afterwards.
        case tick(wall: UInt64, last: HLC)
        /// Receive `remote` at `wall`; `refused` when the skew guard refuses it; `last` afterwards.
        case receive(HLC, wall: UInt64, refused: Bool, last: HLC)
    }

    let name: String
    let description: String
    let maxDrift: UInt64
    let start: HLC
    let events: [Event]
}

enum ClockVectorCases {
    static let t0: UInt64 = 1_763_900_000_000
    static let drift = HybridClock.defaultMaxDriftMilliseconds
    static let year: UInt64 = 365 * 86_400_000

    static func h(_ ms: UInt64, _ counter: UInt16 = 0) -> HLC { HLC(milliseconds: ms, counter: counter) }

    static let all: [ClockCase] = [
        ClockCase(name: "tick-follows-wall", description: "a wall clock ahead of last gives (wall, 0); the same millisecond again counts up",
                  maxDrift: drift, start: h(t0, 40),
                  events: [.tick(wall: t0 + 1, last: h(t0 + 1)), .tick(wall: t0 + 1, last: h(t0 + 1, 1))]),
        ClockCase(name: "tick-wall-steps-back", description: "the wall clock steps back less than maxDrift: the counter goes on, timestamps still increase",
                  maxDrift: drift, start: h(t0, 7),
                  events: [.tick(wall: t0 - 60_000, last: h(t0, 8)), .tick(wall: t0 - drift, last: h(t0, 9))]),
        ClockCase(name: "counter-overflow", description: "counter 65535 borrows the next millisecond instead of wrapping",
                  maxDrift: drift, start: h(t0, 65534),
                  events: [.tick(wall: t0, last: h(t0, 65535)), .tick(wall: t0, last: h(t0 + 1)),
                           .receive(h(t0 + 1, 65535), wall: t0, refused: false, last: h(t0 + 2))]),
        ClockCase(name: "receive-rules", description: "the four cases of Receive: equal milliseconds, last ahead, remote ahead, wall ahead",
                  maxDrift: drift, start: h(t0, 5),
                  events: [.receive(h(t0, 9), wall: t0 - 10, refused: false, last: h(t0, 10)),
                           .receive(h(t0 - 5000, 3), wall: t0 - 10, refused: false, last: h(t0, 11)),
                           .receive(h(t0 + 500, 2), wall: t0 + 200, refused: false, last: h(t0 + 500, 3)),
                           .receive(h(t0 + 100), wall: t0 + 1000, refused: false, last: h(t0 + 1000)),
                           .tick(wall: t0, last: h(t0 + 1000, 1))]),
        ClockCase(name: "skew-guard", description: "a remote stamp more than maxDrift ahead is refused and leaves last unchanged; exactly maxDrift ahead is admitted",
                  maxDrift: drift, start: h(t0, 5),
                  events: [.receive(h(t0 + drift + 1), wall: t0, refused: true, last: h(t0, 5)),
                           .receive(h(t0 + drift), wall: t0, refused: false, last: h(t0 + drift, 1)),
                           .receive(h(t0 + drift + 1), wall: t0 + 1, refused: false, last: h(t0 + drift + 1, 1))]),
        ClockCase(name: "recovery-on-tick", description: "last a year ahead of the corrected wall clock (more than maxDrift): tick first resets last to (wall, 0), then ticks",
                  maxDrift: drift, start: h(t0 + year, 3),
                  events: [.tick(wall: t0, last: h(t0, 1)), .tick(wall: t0 + 5, last: h(t0 + 5))]),
        ClockCase(name: "recovery-on-receive", description: "last a year ahead: receive first resets last to (wall, 0), then admits the remote stamp as usual",
                  maxDrift: drift, start: h(t0 + year),
                  events: [.receive(h(t0 - 50, 4), wall: t0, refused: false, last: h(t0, 1))]),
        ClockCase(name: "recovery-on-refused-receive", description: "a refused receive still resets a last that is itself too far ahead",
                  maxDrift: drift, start: h(t0 + year),
                  events: [.receive(h(t0 + year), wall: t0, refused: true, last: h(t0))]),
        ClockCase(name: "no-recovery-within-drift", description: "last exactly maxDrift ahead is kept: only a clock further ahead than the skew guard allows is reset",
                  maxDrift: drift, start: h(t0 + drift, 2),
                  events: [.tick(wall: t0, last: h(t0 + drift, 3))]),
        ClockCase(name: "wall-clamped-to-48-bits", description: "a wall clock beyond 2^48-1 ms is clamped",
                  maxDrift: drift, start: h(0),
                  events: [.tick(wall: HLC.maxMilliseconds + 1000, last: h(HLC.maxMilliseconds))]),
        ClockCase(name: "guard-off", description: "maxDrift 2^64-1 (a test setting): nothing is refused and nothing recovers",
                  maxDrift: UInt64.max, start: h(t0 + year),
                  events: [.tick(wall: t0, last: h(t0 + year, 1)),
                           .receive(h(t0 + 2 * year), wall: t0, refused: false, last: h(t0 + 2 * year, 1))]),
    ]
}
