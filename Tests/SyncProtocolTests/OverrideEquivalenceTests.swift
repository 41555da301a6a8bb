import Testing
@testable import SyncProtocol

/// The causal-override rule of §9.3 changes no result of an honest history: writers whose
/// clocks admit what they saw (so an overwrite is stamped above what it supersedes) and whose
/// forward-only writes never go backwards. There, the rule before it (winner = highest set op
/// of all; conflicts = ops listed in no `supersedes`, minus the winner) gives the same state.
@Suite struct OverrideEquivalenceTests {
    /// The register rule before causal override, computed from the ops directly.
    static func previousRule(_ ops: [Op]) -> (winner: OpID?, conflicts: [OpID]) {
        let sorted = ops.sorted(by: MemoryReplica.ranksAbove)
        guard let winner = sorted.first else { return (nil, []) }
        var listed = Set<OpID>()
        for op in ops { if case .set(_, _, _, let s) = op.action { listed.formUnion(s) } }
        return (winner.id, sorted.dropFirst().filter { !listed.contains($0.id) }.map(\.id))
    }

    struct Writer {
        let node: NodeID
        var replica = MemoryReplica()
        var clock = HybridClock()
        var seq: UInt64 = 0
    }

    @Test func honestHistoriesKeepThePreviousResults() throws {
        let seed = SeededRandom.seed("override equivalence")
        var rng = SeededRandom(seed: seed)
        let fields = ["area", "status"]
        for history in 0..<30 {
            var writers = (0..<3).map { Writer(node: node(UInt8(0xA0 + $0))) }
            var wall: UInt64 = 1_763_900_000_000
            for _ in 0..<80 {
                wall += UInt64.random(in: 0...20, using: &rng)
                let w = Int.random(in: 0..<writers.count, using: &rng)
                if Bool.random(using: &rng) {
                    // Gossip: w receives some ops of another writer, admitted by its clock.
                    let from = writers[Int.random(in: 0..<writers.count, using: &rng)].replica.allOps
                    for op in from where Int.random(in: 0..<3, using: &rng) > 0 {
                        try writers[w].clock.receive(op.hlc, wallMilliseconds: wall)
                        writers[w].replica.apply(op)
                    }
                    continue
                }
                let field = fields[Int.random(in: 0..<fields.count, using: &rng)]
                let seen = writers[w].replica.register(collection: "report", entity: "r1", field: field)
                let heads = ([seen.winner].compactMap { $0 } + seen.conflicts)
                let floor = heads.map(MemoryReplica.rank).max() ?? 0
                let rank = field == "status" ? floor + UInt32.random(in: 0...1, using: &rng) : 0
                writers[w].seq += 1
                let op = Op(id: OpID(origin: writers[w].node, seq: writers[w].seq), hlc: writers[w].clock.tick(wallMilliseconds: wall),
                            collection: "report", entity: "r1",
                            action: .set(field: field, value: .int(Int64(writers[w].seq)), rank: rank, supersedes: heads.map(\.id).sorted()))
                writers[w].replica.apply(op)
            }
            var union = MemoryReplica()
            for writer in writers { for op in writer.replica.allOps { union.apply(op) } }
            for field in fields {
                let ops = union.allOps.filter { if case .set(let f, _, _, _) = $0.action { f == field } else { false } }
                let now = union.register(collection: "report", entity: "r1", field: field)
                let before = Self.previousRule(ops)
                #expect(now.winner?.id == before.winner && now.conflicts.map(\.id) == before.conflicts,
                        "history \(history) field \(field), seed \(seed)")
            }
        }
    }
}
