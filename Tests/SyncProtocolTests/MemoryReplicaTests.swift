import Testing
@testable import SyncProtocol

/// Checks a replica against a scenario's hand-written expectations; returns the failures.
func mismatches(_ replica: MemoryReplica, _ scenario: MergeScenario) -> [String] {
    var out: [String] = []
    for e in scenario.expect {
        switch e {
        case .causal(let c, let en, let n):
            let got = replica.causalLength(collection: c, entity: en)
            if got != n { out.append("\(c)/\(en) causal length \(got), expected \(n)") }
        case .register(let c, let en, let f, let winner, let conflicts):
            let r = replica.register(collection: c, entity: en, field: f)
            if r.winner?.id != winner || r.conflicts.map(\.id) != conflicts {
                out.append("\(c)/\(en).\(f) winner \(String(describing: r.winner?.id)) conflicts \(r.conflicts.map(\.id))")
            }
        case .elements(let c, let en, let f, let values):
            let got = replica.elements(collection: c, entity: en, field: f)
            if got.map(ValueCodec.encode) != values.map(ValueCodec.encode) { out.append("\(c)/\(en).\(f) elements \(got)") }
        }
    }
    return out
}

@Suite struct MemoryReplicaTests {
    @Test(arguments: MergeScenarios.all.map(\.name))
    func scenarioHoldsInEveryOrder(_ name: String) {
        let scenario = MergeScenarios.all.first { $0.name == name }!
        var rng = SeededRandom(seed: 7)
        var digests = Set<[UInt8]>()
        for _ in 0..<10 {
            var replica = MemoryReplica()
            for op in scenario.ops.shuffled(using: &rng) { replica.apply(op) }
            #expect(mismatches(replica, scenario) == [])
            digests.insert(replica.stateDigest())
        }
        #expect(digests.count == 1)
    }

    @Test func randomMultisetConvergesInFiftyOrders() {
        let seed = SeededRandom.seed("MemoryReplica convergence")
        var gen = OpGenerator(seed: seed, nodeCount: 3)
        let ops = gen.ops(120)
        var reference = MemoryReplica()
        for op in ops { reference.apply(op) }
        let expected = reference.stateDigest()
        for order in 0..<50 {
            var delivery = ops + (0..<40).map { _ in gen.pick(ops) }  // duplicates
            delivery.shuffle(using: &gen.rng)
            var replica = MemoryReplica()
            for op in delivery { replica.apply(op) }
            #expect(replica.stateDigest() == expected, "order \(order), seed \(seed)")
            #expect(replica.count == reference.count)
        }
    }

    @Test func digestSeesEveryPartOfTheState() {
        let base = MergeScenarios.all.first { $0.name == "many-entities" }!.ops
        var replica = MemoryReplica()
        for op in base { replica.apply(op) }
        var seen: Set<[UInt8]> = [replica.stateDigest()]
        let changes: [Op] = [
            mop(nodeC, 1, ms: 0, "report", "r2", .exist(causalLength: 2)),
            mop(nodeC, 2, ms: 9, "report", "r10", set("x", .int(-41))),
            mop(nodeC, 3, ms: 0, "report", "r10", set("x", .int(0))),  // a conflict, not a winner
            mop(nodeC, 4, ms: 0, "report", "r10", .add(field: "x", element: .int(43))),
            mop(nodeC, 5, ms: 0, "report", "r10", .remove(field: "x", element: .int(42), tags: [id(nodeA, 4)])),
            mop(nodeC, 6, ms: 0, "case", "c2", .add(field: "y", element: .null)),
        ]
        for op in changes {
            replica.apply(op)
            #expect(seen.insert(replica.stateDigest()).inserted, "\(op.id) did not change the digest")
        }
    }

    @Test func applyIsIdempotentAndRefusesAConflictingDuplicate() {
        var replica = MemoryReplica()
        let op = mop(nodeA, 1, ms: 0, set("area", .string("Bangui")))
        #expect(replica.apply(op) == .applied)
        #expect(replica.apply(op) == .duplicate)
        let other = mop(nodeA, 1, ms: 0, set("area", .string("Bria")))
        let before = replica.stateDigest()
        #expect(replica.apply(other) == .conflictingDuplicate)
        #expect(replica.stateDigest() == before)
        #expect(replica.register(collection: "report", entity: "r1", field: "area").winner == op)
    }

    @Test func emptyReplicaDigestIsTheHashOfTheMagic() {
        #expect(MemoryReplica().canonicalState() == Array("FSSTATE1".utf8))
        #expect(hex(MemoryReplica().stateDigest()) == "38df201203110e0e983536e7be709cc390d6d1d0c8333253a240ce703c017c45")
        #expect(MemoryReplica().register(collection: "a", entity: "b", field: "c").winner == nil)
        #expect(MemoryReplica().elements(collection: "a", entity: "b", field: "c").isEmpty)
        #expect(!MemoryReplica().exists(collection: "a", entity: "b"))
    }
}
