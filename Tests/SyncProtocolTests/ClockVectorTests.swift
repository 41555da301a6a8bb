import Foundation
import Testing
import TestSupport
@testable import SyncProtocol

/// Protocols/vectors/clock.json: tick and receive sequences (spec §4), including the recovery
/// of a clock that was far ahead.
@Suite struct ClockVectorTests {
    static func hlc(_ t: HLC) -> J { .obj([("ms", .int(t.milliseconds)), ("counter", .int(t.counter))]) }

    static func event(_ e: ClockCase.Event) -> J {
        switch e {
        case .tick(let wall, let last):
            .obj([("event", .str("tick")), ("wall", .int(wall)), ("last", hlc(last))])
        case .receive(let remote, let wall, let refused, let last):
            .obj([("event", .str("receive")), ("remote", hlc(remote)), ("wall", .int(wall)),
                  ("result", .str(refused ? "refused" : "admitted")), ("last", hlc(last))])
        }
    }

    /// Replays one case; returns a description of every step where the clock disagrees.
    static func replay(maxDrift: UInt64, start: HLC, _ events: [ClockCase.Event]) -> [String] {
        var clock = HybridClock(last: start, maxDriftMilliseconds: maxDrift)
        var problems: [String] = []
        for (i, e) in events.enumerated() {
            switch e {
            case .tick(let wall, let last):
                let t = clock.tick(wallMilliseconds: wall)
                if t != last || clock.last != last { problems.append("event \(i): tick gave \(t), want \(last)") }
            case .receive(let remote, let wall, let refused, let last):
                let wasRefused = (try? clock.receive(remote, wallMilliseconds: wall)) == nil
                if wasRefused != refused || clock.last != last {
                    problems.append("event \(i): receive refused=\(wasRefused) last=\(clock.last), want refused=\(refused) last=\(last)")
                }
            }
        }
        return problems
    }

    static func parseHLC(_ any: Any?) throws -> HLC {
        let d = try VectorParse.dict(any)
        return HLC(milliseconds: try VectorParse.u64(d["ms"]), counter: UInt16(try VectorParse.u64(d["counter"])))
    }

    static func parseEvent(_ any: Any?) throws -> ClockCase.Event {
        let d = try VectorParse.dict(any)
        let wall = try VectorParse.u64(d["wall"]), last = try parseHLC(d["last"])
        switch try VectorParse.str(d["event"]) {
        case "tick": return .tick(wall: wall, last: last)
        case "receive": return .receive(try parseHLC(d["remote"]), wall: wall, refused: try VectorParse.str(d["result"]) == "refused", last: last)
        case let other: throw VectorParseError(description: "unknown clock event \(other)")
        }
    }

    @Test func clockVectors() throws {
        let tree = J.obj(VectorTests.header("a start state and tick/receive events with the wall clock each sees -> the resulting last, or the refusal (spec §4)")
                         + [("cases", .arr(ClockVectorCases.all.map { c in
            #expect(Self.replay(maxDrift: c.maxDrift, start: c.start, c.events) == [], "\(c.name)")
            return .obj([("name", .str(c.name)), ("description", .str(c.description)), ("maxDrift", .num(String(c.maxDrift))),
                         ("start", Self.hlc(c.start)), ("events", .arr(c.events.map(Self.event)))])
        }))])
        let parsed = try VectorTests().cases(try VectorTests().check("clock.json", tree))
        #expect(parsed.count == ClockVectorCases.all.count)
        for c in parsed {
            guard let maxDrift = (c["maxDrift"] as? NSNumber).flatMap({ UInt64(exactly: $0.uint64Value) }) else {
                throw VectorParseError(description: "bad maxDrift")
            }
            let events = try (c["events"] as? [Any] ?? []).map(Self.parseEvent)
            #expect(!events.isEmpty)
            #expect(Self.replay(maxDrift: maxDrift, start: try Self.parseHLC(c["start"]), events) == [], "\(c["name"] ?? "")")
        }
    }
}
