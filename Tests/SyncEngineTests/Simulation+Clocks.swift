import Foundation
import Synchronization
import SQLite
import SyncProtocol
@testable import SyncEngine

/// How far one replica's wall clock is from the true time, in ms; changed when its clock is fixed.
final class Skew: Sendable {
    private let value: Mutex<Int64>
    init(_ milliseconds: Int64) { value = Mutex(milliseconds) }
    var milliseconds: Int64 { value.withLock { $0 } }
    func set(_ milliseconds: Int64) { value.withLock { $0 = milliseconds } }
}

/// The clock side of the simulation (spec §4): the invariants checked after every step, the
/// mid-run correction of the node a year ahead, and what must hold once it is corrected.
///
/// Invariants:
/// 1. No replica's `last` is more than maxDrift ahead of its own corrected clock (wall + stored
///    offset), except between a step back of that clock and the replica's next tick or receive.
/// 2. The hub merges no op stamped beyond its wall clock + maxDrift, except those an
///    administrator released.
/// 3. Once the node a year ahead has been corrected, none of the ops it stamps after that waits
///    in the hub's quarantine.
/// 4. After the correction and a converged sync, that node's next new report is merged by the
///    hub on the next fault-free push, and its amendments to its older (future-stamped) reports
///    win at every replica that holds them.
extension Simulation {
    /// The operator fixes node `i`'s system clock: it jumps back to (about) the true time.
    mutating func correctClock(_ i: Int) throws {
        log.append("correct clock \(i)")
        nodes[i].skew.set(Int64.random(in: -2000...2000, using: &rng))
        nodes[i].clockSteppedBack = true
        let store = nodes[i].store
        seqAtCorrection = try store.queue.sync { db in try OpLog.maxSeq(db, origin: store.nodeID) }
    }

    static func label(_ i: Int) -> String { i < 0 ? "hub" : "node\(i)" }

    /// Records a violation of invariant `kind` by `who`, the first time only (one line each).
    mutating func violate(_ kind: Int, _ who: String, _ message: String) {
        if violated.insert("\(kind) \(who)").inserted { violations.append(message) }
    }

    /// Checks invariants 1–3 on the replicas whose clock may have moved since the last check
    /// (on all with `all`): a clock nobody ticked or received only falls behind the wall.
    mutating func checkClocks(all: Bool = false) throws {
        let hubMoved = all || hub.dirty
        for (i, replica) in [(-1, hub)] + nodes.enumerated().map({ ($0.offset, $0.element) }) where all || replica.dirty {
            replica.dirty = false
            if replica.clockSteppedBack { continue }
            let (last, offset) = try replica.store.queue.sync { db in
                try db.queryFirst("""
                    SELECT (SELECT value FROM meta WHERE key = 'hlc'), (SELECT value FROM meta WHERE key = 'clock_offset_ms')
                    """) { (HLC(rawValue: $0.uint64(0) ?? 0), $0.int64(1) ?? 0) } ?? (.zero, 0)
            }
            let now = OpLog.corrected(replica.options.wallClock(), by: offset)
            if last.milliseconds > now + Self.maxDrift {
                violate(1, Self.label(i), "\(Self.label(i)): clock \(last) is \((last.milliseconds - now) / 1000) s ahead of its corrected wall clock \(now)")
            }
        }
        guard hubMoved else { return }
        let hubNow = hub.options.wallClock()
        let merged = try hub.store.queue.sync { db in
            try db.query("SELECT o.local_seq, \(StoredBody.columns) FROM ops o \(StoredBody.joins) WHERE o.local_seq > ?1 AND o.scope <> ?2",
                         [.integer(hubChecked), .integer(MergeContext.quarantineScope)]) { ($0.int64(0) ?? 0, try StoredBody.canonical($0, at: 1)) }
        }
        for (localSeq, body) in merged {
            hubChecked = max(hubChecked, localSeq)
            let hlc = Self.hlc(ofEncoded: body)
            if hlc.milliseconds > hubNow + Self.maxDrift {
                violate(2, "hub", "hub merged an op stamped \(hlc), \((hlc.milliseconds - hubNow) / 1000) s ahead of its clock")
            }
        }
        if let seqAtCorrection {
            let origin = nodes[Self.corrected].store.nodeID
            if let waiting = try hub.store.quarantinedOps(origin: origin, afterSeq: seqAtCorrection, limit: 1).first {
                violate(3, "node", "node\(Self.corrected): op \(waiting.id.seq), stamped after its clock was corrected, waits in the hub's quarantine (hlc \(waiting.hlc))")
            }
        }
    }

    /// An op's hlc read straight from its encoding (§6.1: version, origin, varint seq, u64 hlc),
    /// so checking every merged op costs no decode.
    static func hlc(ofEncoded body: [UInt8]) -> HLC {
        var i = 17
        while i < body.count, body[i] & 0x80 != 0 { i += 1 }
        return HLC(rawValue: body[(i + 1)..<(i + 9)].reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// The hub's administrator releases what still waits in quarantine after a fault-free
    /// round (the ops the node a year ahead stamped before its correction; invariant 2 exempts
    /// them).
    mutating func releaseAtHub() throws {
        _ = try hub.store.releaseByAdministrator(origin: nil)
        hubChecked = try hub.store.queue.sync { db in try db.scalar("SELECT max(local_seq) FROM ops", as: Int64.self) ?? 0 }
    }

    /// In full replication the other nodes received those released ops and quarantined them by
    /// their own skew guard; their administrators release them as well.
    func releaseAtNodes() throws {
        for node in nodes { _ = try node.store.releaseByAdministrator(origin: nil) }
    }

    /// Invariant 4, first half: after convergence, the corrected node writes a new report and
    /// amends every field of its older reports whose winner it stamped in the future.
    mutating func correctedNodeWrites() throws {
        let node = nodes[Self.corrected].store
        let limit = hub.options.wallClock() + Self.maxDrift
        let mine = "report/" + node.nodeID.hex + "-"
        let older = try node.entityKeys().filter { $0.hasPrefix(mine) }.sorted().map { String($0.dropFirst("report/".count)) }
        let newReport = afterCorrection
        amendments = try node.write { tx in
            var amended: [(entity: String, field: String, id: OpID)] = []
            try tx.create("report", newReport)
            try tx.set("report", newReport, "area", .string("written after the correction"))
            for entity in older {
                guard let document = try tx.document("report", entity) else { continue }
                for (field, state) in document.fields.sorted(by: { $0.key < $1.key })
                where state.winner.hlc.milliseconds > limit && state.winner.id.origin == node.nodeID {
                    let rank = ([state.winner] + state.conflicts).map(\.rank).max() ?? 0
                    try tx.set("report", entity, field, .string("amended after the correction"), rank: rank)
                    amended.append((entity, field, tx.ops.last!.id))
                }
            }
            return amended
        }
        if !amendments.contains(where: { $0.entity == futureReport }) {
            violations.append("node\(Self.corrected): its report written a year ahead has no future-stamped field to amend")
        }
        hubQuarantinedBefore = try hub.store.counts().quarantined
    }

    /// Invariant 4, second half, after the round that pushed and pulled those writes.
    mutating func checkCorrectedNode() throws {
        let i = Self.corrected
        if try hub.store.document("report", afterCorrection) == nil || hub.store.counts().quarantined > hubQuarantinedBefore {
            violations.append("node\(i): its first report after the correction was not merged by the hub on the next sync")
        }
        for (label, store) in [("hub", hub.store)] + nodes.enumerated().map({ ("node\($0.offset)", $0.element.store) }) {
            for a in amendments {
                guard let document = try store.document("report", a.entity) else { continue }
                if document.fields[a.field]?.winner.id != a.id {
                    violations.append("\(label): node\(i)'s amendment \(a.id) of \(a.field) does not win (winner \(String(describing: document.fields[a.field]?.winner.id)))")
                }
            }
        }
    }
}
