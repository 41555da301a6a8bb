import Foundation
import Toolkit
import SQLite
import SyncProtocol
@testable import SyncEngine

extension SplitMix64 {
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

/// One randomized run: a hub and 3–6 nodes on real SQLite files, random local edits, random
/// delivery (loss inside batches, lost requests and acknowledgements, duplicates, reordering,
/// late delivery of old messages), partitions, restarts from disk, and skewed clocks (one node
/// days ahead, one a year behind, one a year ahead whose clock is corrected mid-run). The clock
/// invariants (`Simulation+Clocks.swift`) are checked after every step. Ends with a fault-free
/// full sync, an administrator's release of what still waits in quarantine, the corrected
/// node's new report and amendments, and returns every way the replicas disagree or an
/// invariant broke (empty when all is well).
struct Simulation {
    enum Mode: String { case fullReplication, scoped }
    enum Message { case push(Int, [Op]), pull(Int, PullSlice) }

    final class Replica {
        let path: String
        let options: StoreOptions
        /// How far this replica's wall clock is from the true time; changed when its clock is fixed.
        let skew: Skew
        var store: Store
        var partitioned = false
        /// True from a step back of this replica's corrected clock until its next tick or
        /// receive: only then must its `last` be back within maxDrift (spec §4 recovery).
        var clockSteppedBack = false
        /// Its clock may have moved since the last check (it ticked or received).
        var dirty = true
        init(path: String, role: ReplicaRole, options: StoreOptions, skew: Skew) throws {
            self.path = path
            self.options = options
            self.skew = skew
            store = try Store.create(path: path, role: role, options: options)
        }
        func restart() throws { store = try Store.open(path: path, options: options) }
    }

    let seed: UInt64
    var rng: SplitMix64
    let mode: Mode
    let dir = TempDir(fast: true)
    let global = ManualClock()
    var hub: Replica
    var nodes: [Replica] = []
    var inFlight: [Message] = []
    var log: [String] = []
    /// Invariant violations found after a step (see `Simulation+Clocks.swift`).
    var violations: [String] = []
    var violated = Set<String>()
    /// The hub's arrival numbers up to which merged ops were checked against the skew guard.
    var hubChecked: Int64 = 0
    /// The corrected node's seq when its clock was fixed (nil before).
    var seqAtCorrection: UInt64?
    /// The skew guard the invariants hold the replicas to, whatever the stores are configured with.
    static let maxDrift = HybridClock.defaultMaxDriftMilliseconds

    static let day: Int64 = 86_400_000
    static let year: Int64 = 365 * day
    /// The node whose clock runs a year ahead until it is corrected mid-run.
    static let corrected = 2
    /// The report it writes while a year ahead, before any sync, and the one after its correction.
    let futureReport: String
    let afterCorrection: String
    /// Its amendments of its future-stamped fields after the correction, and the hub's
    /// quarantine count before they were pushed.
    var amendments: [(entity: String, field: String, id: OpID)] = []
    var hubQuarantinedBefore = 0

    /// `quarantine: false` turns the skew guard off (maxDrift 2^64-1), to show that the
    /// invariants catch what it prevents.
    init(seed: UInt64, quarantine: Bool = true) throws {
        self.seed = seed
        rng = SplitMix64(seed: seed)
        mode = seed % 2 == 0 ? .fullReplication : .scoped
        let policy = mode == .fullReplication ? ScopePolicy { _ in "all" } : .standard
        let global = self.global
        func opts(_ skew: Skew) -> StoreOptions {
            StoreOptions(synchronous: .off, maxDriftMilliseconds: quarantine ? Self.maxDrift : .max,
                         wallClock: { UInt64(Int64(global.milliseconds) + skew.milliseconds) }, scopePolicy: policy)
        }
        hub = try Replica(path: dir.file("hub.db"), role: .hub, options: opts(Skew(0)), skew: Skew(0))
        let count = Int.random(in: 3...6, using: &rng)
        for i in 0..<count {
            let offset: Int64 = switch i {
            case 0: 3 * Self.day                 // days ahead
            case 1: -Self.year                   // a year behind
            case Self.corrected: Self.year       // a year ahead, corrected mid-run
            default: Int64.random(in: -2000...2000, using: &rng)
            }
            let skew = Skew(offset)
            nodes.append(try Replica(path: dir.file("node\(i).db"), role: .node, options: opts(skew), skew: skew))
        }
        futureReport = EntityID.make(owner: nodes[Self.corrected].store.nodeID, local: "y0")
        afterCorrection = EntityID.make(owner: nodes[Self.corrected].store.nodeID, local: "after-correction")
    }

    func scopes(_ i: Int) -> [String] {
        mode == .fullReplication ? ["all"] : ScopePolicy.scopes(for: nodes[i].store.nodeID)
    }

    mutating func run() throws -> [String] {
        let steps = Int.random(in: 40...90, using: &rng)
        let correction = Int.random(in: steps / 3...2 * steps / 3, using: &rng)
        // Before any sync, the node a year ahead records a report.
        try nodes[Self.corrected].store.write { tx in
            try tx.create("report", futureReport)
            try tx.set("report", futureReport, "area", .string("stamped a year ahead"))
        }
        try checkClocks()
        for step in 0..<steps {
            if step == correction { try correctClock(Self.corrected) }
            global.advance(UInt64.random(in: 0...3000, using: &rng))
            let roll = Int.random(in: 0..<100, using: &rng)
            switch roll {
            case 0..<45: try localEdit()
            case 45..<62: try push(Int.random(in: 0..<nodes.count, using: &rng), faults: true)
            case 62..<79: try pull(Int.random(in: 0..<nodes.count, using: &rng), faults: true)
            case 79..<88: try deliverLate()
            case 88..<93:
                let i = Int.random(in: -1..<nodes.count, using: &rng)
                log.append("restart \(i)")
                try (i < 0 ? hub : nodes[i]).restart()
            default:
                let i = Int.random(in: 0..<nodes.count, using: &rng)
                nodes[i].partitioned.toggle()
            }
            try checkClocks()
        }
        // Heal everything, let the skewed node's ops come due, and sync without faults. What
        // still waits in quarantine after the first round is what the node a year ahead stamped
        // before its correction: an administrator releases it, the second round spreads it, and
        // the corrected node's new report and amendments go out in the third.
        for n in nodes { n.partitioned = false }
        while !inFlight.isEmpty { try deliverLate() }
        try checkClocks()
        global.advance(UInt64(4 * Self.day))
        try hub.store.releaseQuarantine()
        try checkClocks(all: true)
        for round in 0..<3 {
            if round == 2 { try correctedNodeWrites() }
            for i in nodes.indices { try push(i, faults: false) }
            if round == 0 { try releaseAtHub() }
            try hub.store.releaseQuarantine()
            for i in nodes.indices { try pull(i, faults: false) }
            if round == 1 { try releaseAtNodes() }
            try checkClocks(all: true)
        }
        try checkCorrectedNode()
        return violations + (try disagreements())
    }

    // MARK: Steps

    mutating func localEdit() throws {
        let onHub = rng.chance(0.25)
        let index = onHub ? -1 : Int.random(in: 0..<nodes.count, using: &rng)
        let store = onHub ? hub.store : nodes[index].store
        let (collection, entity) = try target(onHub: onHub, node: index)
        let field = rng.pick(["area", "unit", "status", "narrative"])
        let value: Value = rng.chance(0.5) ? .int(Int64.random(in: 0...3, using: &rng)) : .string(rng.pick(["x", "y", "z"]))
        let element = Value.string(rng.pick(["medical", "legal", "shelter"]))
        let action = Int.random(in: 0..<10, using: &rng)
        let ticked = try store.write { tx in
            switch action {
            case 0..<5: try tx.set(collection, entity, field, value, rank: field == "status" ? UInt32.random(in: 0...3, using: &rng) : 0)
            case 5..<7: try tx.add(collection, entity, "needs", element)
            case 7: try tx.remove(collection, entity, "needs", element)
            case 8: try tx.create(collection, entity)
            default: try tx.delete(collection, entity)
            }
            return !tx.ops.isEmpty
        }
        if ticked && !onHub { nodes[index].clockSteppedBack = false }
        (onHub ? hub : nodes[index]).dirty = true
    }

    mutating func target(onHub: Bool, node: Int) throws -> (String, String) {
        if mode == .fullReplication { return ("report", "e\(Int.random(in: 0..<4, using: &rng))") }
        if !onHub { return ("report", EntityID.make(owner: nodes[node].store.nodeID, local: "e\(Int.random(in: 0..<3, using: &rng))")) }
        let known = try hub.store.entityKeys().filter { $0.hasPrefix("report/") }.sorted()
        if !known.isEmpty && rng.chance(0.6) {
            return ("report", String(rng.pick(known).dropFirst("report/".count)))
        }
        return rng.chance(0.5) ? ("ref.premises", "p\(Int.random(in: 0..<3, using: &rng))") : ("case", "c0")
    }

    mutating func push(_ i: Int, faults: Bool) throws {
        let node = nodes[i]
        guard !node.partitioned else { return }
        var ops = try node.store.pendingPush(peer: "hub", maxOps: faults ? Int.random(in: 1...8, using: &rng) : 10_000)
        guard !ops.isEmpty else { return }
        if faults {
            if rng.chance(0.15) { ops = ops.filter { _ in rng.chance(0.6) } }   // lost inside the batch
            ops.shuffle(using: &rng)
            if rng.chance(0.12) {                                              // request lost
                if rng.chance(0.5) { inFlight.append(.push(i, ops)) }
                return
            }
        }
        _ = try hub.store.apply(ops)
        hub.dirty = true
        if faults && rng.chance(0.1) { _ = try hub.store.apply(ops.reversed()) }
        try learnOffset(i)
        if faults && rng.chance(0.12) { return }                               // acknowledgement lost
        let ack = try hub.store.originStates([node.store.nodeID])[0]
        try node.store.recordPushAck(peer: "hub", contiguous: ack.contiguous)
    }

    mutating func pull(_ i: Int, faults: Bool) throws {
        let node = nodes[i]
        guard !node.partitioned else { return }
        repeat {
            let cursor = try node.store.peerState("hub").pullCursor
            let slice = try hub.store.opsForPull(scopes: scopes(i), excludingOrigin: node.store.nodeID, after: cursor,
                                                 maxOps: faults ? Int.random(in: 1...10, using: &rng) : 200)
            if faults && rng.chance(0.12) {
                if rng.chance(0.5) { inFlight.append(.pull(i, slice)) }
                return
            }
            try learnOffset(i)
            try applyPulled(i, faults ? slice.ops.shuffled(using: &rng) : slice.ops, nextCursor: slice.nextCursor)
            if faults && rng.chance(0.1) { _ = try node.store.applyPulled(peer: "hub", ops: slice.ops, nextCursor: slice.nextCursor) }
            if !slice.more || faults { return }
        } while true
    }

    /// Every hub response carries the hub's time; the node corrects its clock by it.
    func learnOffset(_ i: Int) throws {
        let node = nodes[i]
        let hubNow = Int64(hub.options.wallClock()), nodeNow = Int64(node.options.wallClock())
        let before = try node.store.clockOffset()
        try node.store.setClockOffset(hubNow - nodeNow)
        if hubNow - nodeNow < before { node.clockSteppedBack = true }
    }

    /// Applies pulled ops at node `i`; a non-empty apply (or a release) ran Receive.
    func applyPulled(_ i: Int, _ ops: [Op], nextCursor: Int64) throws {
        let outcome = try nodes[i].store.applyPulled(peer: "hub", ops: ops, nextCursor: nextCursor)
        nodes[i].dirty = true
        if !ops.isEmpty || outcome.released > 0 { nodes[i].clockSteppedBack = false }
    }

    mutating func deliverLate() throws {
        guard !inFlight.isEmpty else { return }
        let message = inFlight.remove(at: Int.random(in: 0..<inFlight.count, using: &rng))
        switch message {
        case .push(_, let ops):
            _ = try hub.store.apply(ops)
            hub.dirty = true
        case .pull(let i, let slice): try applyPulled(i, slice.ops, nextCursor: slice.nextCursor)
        }
    }

    // MARK: Checks

    static func diff(_ mine: [String], _ theirs: [String]) -> String {
        let a = Set(mine), b = Set(theirs)
        return "only here: \(a.subtracting(b).sorted().prefix(3)); only at hub: \(b.subtracting(a).sorted().prefix(3))"
    }

    func disagreements() throws -> [String] {
        var problems: [String] = []
        let hubStore = hub.store
        problems += try hubStore.verify().map { "hub: \($0)" }
        // Every replica's SQLite state equals the pure reference merge of the ops it holds.
        for (label, replica) in [("hub", hub)] + nodes.enumerated().map({ ("node\($0.offset)", $0.element) }) {
            var reference = MemoryReplica()
            for op in try replica.store.allOps() { reference.apply(op) }
            if try replica.store.canonicalState() != reference.canonicalState() {
                problems.append("\(label): SQLite state differs from the reference merge (MemoryReplica)")
            }
        }
        for (i, node) in nodes.enumerated() {
            let s = node.store
            problems += try s.verify().map { "node\(i): \($0)" }
            let own = try s.queue.sync { db in try OpLog.maxSeq(db, origin: s.nodeID) }
            let ack = try hubStore.originStates([s.nodeID])[0]
            if ack.contiguous != own || !ack.gaps.isEmpty || ack.quarantined != 0 {
                problems.append("node\(i): wrote \(own) ops, hub holds 1…\(ack.contiguous) gaps \(ack.gaps) quarantined \(ack.quarantined)")
            }
            if try s.backlog(peer: "hub") != 0 { problems.append("node\(i): backlog not empty after full sync") }
            switch mode {
            case .fullReplication:
                let mine = try s.stateListing(), theirs = try hubStore.stateListing()
                if mine != theirs { problems.append("node\(i): state differs from hub: \(Self.diff(mine, theirs))") }
            case .scoped:
                let keys = try s.entityKeys()
                let mine = "report/" + s.nodeID.hex + "-"
                if let foreign = keys.first(where: { $0.hasPrefix("report/") && !$0.hasPrefix(mine) }) {
                    problems.append("node\(i) received another node's report \(foreign)")
                }
                if keys.contains("case/c0") { problems.append("node\(i) received hub-only data") }
                let here = try s.stateListing(entities: keys), there = try hubStore.stateListing(entities: keys)
                if here != there { problems.append("node\(i): state of its entities differs from hub: \(Self.diff(here, there))") }
                let expected = try hubStore.entityKeys().filter { $0.hasPrefix(mine) || $0.hasPrefix("ref.") }
                if !expected.isSubset(of: keys) { problems.append("node\(i): missing \(expected.subtracting(keys).sorted())") }
            }
        }
        return problems
    }
}
