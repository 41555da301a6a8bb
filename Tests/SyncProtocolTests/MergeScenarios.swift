@testable import SyncProtocol

/// Hand-written merge cases: ops and the state a correct replica must show. The expectations
/// are written by hand from the rules (spec §9), not computed, so they can catch the replica.
struct MergeScenario {
    enum Expect {
        case causal(String, String, UInt64)
        case register(String, String, String, winner: OpID?, conflicts: [OpID])
        case elements(String, String, String, [Value])
    }

    let name: String
    let description: String
    let ops: [Op]
    let expect: [Expect]
}

let nodeA = node(0xA1), nodeB = node(0xB2), nodeC = node(0xC3)

func id(_ n: NodeID, _ seq: UInt64) -> OpID { OpID(origin: n, seq: seq) }

func mop(_ n: NodeID, _ seq: UInt64, ms: UInt64, counter: UInt16 = 0, _ action: Action) -> Op {
    mop(n, seq, ms: ms, counter: counter, "report", "r1", action)
}

func mop(_ n: NodeID, _ seq: UInt64, ms: UInt64, counter: UInt16 = 0, _ collection: String,
         _ entity: String, _ action: Action) -> Op {
    Op(id: id(n, seq), hlc: HLC(milliseconds: 1_763_900_000_000 + ms, counter: counter),
       collection: collection, entity: entity, action: action)
}

func set(_ field: String, _ value: Value, rank: UInt32 = 0, _ supersedes: [OpID] = []) -> Action {
    .set(field: field, value: value, rank: rank, supersedes: supersedes)
}

enum MergeScenarios {
    static let all: [MergeScenario] = [
        MergeScenario(name: "create", description: "one exist op: causal length 1, the entity exists",
                      ops: [mop(nodeA, 1, ms: 0, .exist(causalLength: 1))],
                      expect: [.causal("report", "r1", 1)]),
        MergeScenario(name: "concurrent-writes", description: "two writers, neither saw the other: the later HLC wins, the other stays a conflict",
                      ops: [mop(nodeA, 1, ms: 0, .exist(causalLength: 1)),
                            mop(nodeA, 2, ms: 10, set("area", .string("Bangui"))),
                            mop(nodeB, 1, ms: 11, set("area", .string("Bambari")))],
                      expect: [.register("report", "r1", "area", winner: id(nodeB, 1), conflicts: [id(nodeA, 2)])]),
        MergeScenario(name: "causal-overwrite", description: "B saw A's value and overwrote it: B wins, no conflict",
                      ops: [mop(nodeA, 2, ms: 10, set("area", .string("Bangui"))),
                            mop(nodeB, 1, ms: 20, set("area", .string("Bambari"), [id(nodeA, 2)]))],
                      expect: [.register("report", "r1", "area", winner: id(nodeB, 1), conflicts: [])]),
        MergeScenario(name: "stale-clock-overwrite",
                      description: "an overwrite stamped below the op it supersedes (its writer saw the value; clocks disagree or one was corrected): the overwrite wins, no conflict",
                      ops: [mop(nodeA, 2, ms: 10, set("area", .string("Bangui"))),
                            mop(nodeB, 1, ms: 5, set("area", .string("Bambari"), [id(nodeA, 2)]))],
                      expect: [.register("report", "r1", "area", winner: id(nodeB, 1), conflicts: [])]),
        MergeScenario(name: "conflict-resolved", description: "C saw both heads of a conflict and wrote over them: one value, no conflict",
                      ops: [mop(nodeA, 2, ms: 10, set("area", .string("Bangui"))),
                            mop(nodeB, 1, ms: 11, set("area", .string("Bambari"))),
                            mop(nodeC, 1, ms: 20, set("area", .string("Bria"), [id(nodeA, 2), id(nodeB, 1)]))],
                      expect: [.register("report", "r1", "area", winner: id(nodeC, 1), conflicts: [])]),
        MergeScenario(name: "hlc-tie-origin", description: "equal HLC: the larger origin bytes win",
                      ops: [mop(nodeB, 1, ms: 10, counter: 3, set("area", .string("b"))),
                            mop(nodeA, 7, ms: 10, counter: 3, set("area", .string("a")))],
                      expect: [.register("report", "r1", "area", winner: id(nodeB, 1), conflicts: [id(nodeA, 7)])]),
        MergeScenario(name: "rank-forward-only", description: "a backwards status write (rank 2 after rank 4) loses by rank and stays visible",
                      ops: [mop(nodeA, 1, ms: 0, "referral", "f1", set("status", .string("referred"), rank: 1)),
                            mop(nodeB, 1, ms: 10, "referral", "f1", set("status", .string("completed"), rank: 4, [id(nodeA, 1)])),
                            mop(nodeA, 2, ms: 50, "referral", "f1", set("status", .string("accepted"), rank: 2, [id(nodeA, 1)]))],
                      expect: [.register("referral", "f1", "status", winner: id(nodeB, 1), conflicts: [id(nodeA, 2)])]),
        MergeScenario(name: "rank-backwards-after-seeing", description: "even a writer that saw the winner cannot move a forward-only field back; its write is the visible conflict",
                      ops: [mop(nodeB, 1, ms: 10, "referral", "f1", set("status", .string("completed"), rank: 4)),
                            mop(nodeA, 2, ms: 50, "referral", "f1", set("status", .string("accepted"), rank: 2, [id(nodeB, 1)]))],
                      expect: [.register("referral", "f1", "status", winner: id(nodeB, 1), conflicts: [id(nodeA, 2)])]),
        MergeScenario(name: "recovered-clock-amends-future-write",
                      description: "A stamped a value a year ahead, B wrote concurrently; A's clock was corrected and A overwrote both with a much lower HLC: A's amendment wins, no conflict",
                      ops: [mop(nodeA, 1, ms: 31_536_000_000, set("area", .string("Bangui"))),
                            mop(nodeB, 1, ms: 10, set("area", .string("Bria"))),
                            mop(nodeA, 2, ms: 20, set("area", .string("Bambari"), [id(nodeA, 1), id(nodeB, 1)]))],
                      expect: [.register("report", "r1", "area", winner: id(nodeA, 2), conflicts: [])]),
        MergeScenario(name: "rank-forward-lower-hlc", description: "a forward status write stamped below the write it supersedes wins: higher or equal rank and causally later",
                      ops: [mop(nodeA, 1, ms: 31_536_000_000, "referral", "f1", set("status", .string("referred"), rank: 1)),
                            mop(nodeB, 1, ms: 10, "referral", "f1", set("status", .string("accepted"), rank: 2, [id(nodeA, 1)]))],
                      expect: [.register("referral", "f1", "status", winner: id(nodeB, 1), conflicts: [])]),
        MergeScenario(name: "lower-rank-superseder-does-not-override",
                      description: "B saw A's rank-3 write and wrote rank 1 (backwards): A is not overridden; with C's concurrent rank 4 all three are heads, C wins, A and B are conflicts",
                      ops: [mop(nodeA, 1, ms: 0, "referral", "f1", set("status", .string("accepted"), rank: 3)),
                            mop(nodeB, 1, ms: 50, "referral", "f1", set("status", .string("proposed"), rank: 1, [id(nodeA, 1)])),
                            mop(nodeC, 1, ms: 10, "referral", "f1", set("status", .string("in_progress"), rank: 4))],
                      expect: [.register("referral", "f1", "status", winner: id(nodeC, 1), conflicts: [id(nodeA, 1), id(nodeB, 1)])]),
        MergeScenario(name: "supersedes-cycle", description: "two forged ops that list each other at equal rank override each other: the register has no value (it is left out of the digest)",
                      ops: [mop(nodeA, 1, ms: 0, .exist(causalLength: 1)),
                            mop(nodeA, 2, ms: 10, set("area", .string("Bangui"), [id(nodeB, 1)])),
                            mop(nodeB, 1, ms: 20, set("area", .string("Bria"), [id(nodeA, 2)])),
                            mop(nodeA, 3, ms: 5, set("unit", .string("kept")))],
                      expect: [.register("report", "r1", "area", winner: nil, conflicts: []),
                               .register("report", "r1", "unit", winner: id(nodeA, 3), conflicts: [])]),
        MergeScenario(name: "delete-recreate", description: "create 1, delete 2 (twice, concurrently), re-create 3: the maximum wins and it exists",
                      ops: [mop(nodeA, 1, ms: 0, .exist(causalLength: 1)),
                            mop(nodeB, 1, ms: 5, .exist(causalLength: 2)),
                            mop(nodeC, 1, ms: 6, .exist(causalLength: 2)),
                            mop(nodeA, 2, ms: 9, .exist(causalLength: 3))],
                      expect: [.causal("report", "r1", 3)]),
        MergeScenario(name: "delete-keeps-fields", description: "a deleted entity (even length) keeps its registers; re-creation shows them again",
                      ops: [mop(nodeA, 1, ms: 0, .exist(causalLength: 1)),
                            mop(nodeA, 2, ms: 1, set("area", .string("Bangui"))),
                            mop(nodeB, 1, ms: 2, .exist(causalLength: 2))],
                      expect: [.causal("report", "r1", 2),
                               .register("report", "r1", "area", winner: id(nodeA, 2), conflicts: [])]),
        MergeScenario(name: "add-wins", description: "B removed the tag it saw; C's concurrent add has an unseen tag, so the element stays",
                      ops: [mop(nodeA, 1, ms: 0, .add(field: "needs", element: .string("medical"))),
                            mop(nodeB, 1, ms: 5, .remove(field: "needs", element: .string("medical"), tags: [id(nodeA, 1)])),
                            mop(nodeC, 1, ms: 4, .add(field: "needs", element: .string("medical")))],
                      expect: [.elements("report", "r1", "needs", [.string("medical")])]),
        MergeScenario(name: "observed-remove", description: "every tag of the element removed: absent; other elements untouched",
                      ops: [mop(nodeA, 1, ms: 0, .add(field: "needs", element: .string("medical"))),
                            mop(nodeA, 2, ms: 1, .add(field: "needs", element: .string("legal"))),
                            mop(nodeA, 3, ms: 2, .add(field: "needs", element: .string("medical"))),
                            mop(nodeB, 1, ms: 5, .remove(field: "needs", element: .string("medical"), tags: [id(nodeA, 1), id(nodeA, 3)]))],
                      expect: [.elements("report", "r1", "needs", [.string("legal")])]),
        MergeScenario(name: "remove-other-element-tags", description: "a remove names tags of another element: they do not remove this one",
                      ops: [mop(nodeA, 1, ms: 0, .add(field: "needs", element: .string("medical"))),
                            mop(nodeB, 1, ms: 5, .remove(field: "needs", element: .string("legal"), tags: [id(nodeA, 1)]))],
                      expect: [.elements("report", "r1", "needs", [.string("medical")])]),
        MergeScenario(name: "canonical-element-order", description: "elements ordered byte-wise by value encoding: null, true, int, double, strings, bytes",
                      ops: [mop(nodeA, 1, ms: 0, .add(field: "tags", element: .string("b"))),
                            mop(nodeA, 2, ms: 0, .add(field: "tags", element: .bytes([0]))),
                            mop(nodeA, 3, ms: 0, .add(field: "tags", element: .string("a"))),
                            mop(nodeA, 4, ms: 0, .add(field: "tags", element: .int(-1))),
                            mop(nodeA, 5, ms: 0, .add(field: "tags", element: .bool(true))),
                            mop(nodeA, 6, ms: 0, .add(field: "tags", element: .null)),
                            mop(nodeA, 7, ms: 0, .add(field: "tags", element: .double(-0.5))),
                            mop(nodeA, 8, ms: 0, .add(field: "tags", element: .int(1)))],
                      expect: [.elements("report", "r1", "tags",
                                         [.null, .bool(true), .int(-1), .int(1), .double(-0.5), .string("a"), .string("b"), .bytes([0])])]),
        MergeScenario(name: "duplicates", description: "the same ops delivered three times: the state of one delivery",
                      ops: Array(repeating: [mop(nodeA, 1, ms: 0, .exist(causalLength: 1)),
                                             mop(nodeA, 2, ms: 1, .add(field: "needs", element: .string("legal"))),
                                             mop(nodeB, 1, ms: 2, set("area", .string("Bria")))], count: 3).flatMap { $0 },
                      expect: [.causal("report", "r1", 1),
                               .elements("report", "r1", "needs", [.string("legal")]),
                               .register("report", "r1", "area", winner: id(nodeB, 1), conflicts: [])]),
        MergeScenario(name: "many-entities", description: "collections and entities ordered byte-wise in the digest; a register and a set may share a field name",
                      ops: [mop(nodeA, 1, ms: 0, "report", "r2", .exist(causalLength: 1)),
                            mop(nodeA, 2, ms: 0, "case", "c1", .exist(causalLength: 1)),
                            mop(nodeA, 3, ms: 0, "report", "r10", set("x", .int(-42))),
                            mop(nodeA, 4, ms: 0, "report", "r10", .add(field: "x", element: .int(42))),
                            mop(nodeB, 1, ms: 0, "ref.mission", "MINUSCA", set("name", .string("Centrafrique — Bangui")))],
                      expect: [.causal("report", "r2", 1), .causal("report", "r10", 0),
                               .register("report", "r10", "x", winner: id(nodeA, 3), conflicts: []),
                               .elements("report", "r10", "x", [.int(42)])]),
    ]
}
