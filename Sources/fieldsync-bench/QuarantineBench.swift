import Foundation
import HubKit
import SyncEngine
import SyncProtocol

/// Issue 14, part 2: quarantine is no lever against others. On a hub store holding `reports`
/// merged reports and one laptop's `held` ops in quarantine (stamped a year ahead):
/// - another laptop's one-report push, against the same push on the same store with nothing held
///   (today every push decoded every quarantined op);
/// - the administrator's release of one held report with its receipt stamp, against that push
///   (it used to read every report: 9.8 s at 108k reports).
enum QuarantineBench {
    struct Result {
        let reports: Int
        let held: Int
        let pushHeldSeconds: Double
        let pushPlainSeconds: Double
        let releaseSeconds: Double
    }

    static func run(reports: Int, held: Int, runs: Int) throws -> Result {
        let path = Bench.scratch("quarantine-hub.sqlite")
        defer { Bench.remove(path) }
        let store = try Store.create(path: path, role: .hub, options: HubStore.options())
        let filler = MergeBench.makeOps(reports: reports)
        for start in stride(from: 0, to: filler.count, by: 5000) {
            _ = try store.apply(Array(filler[start..<min(start + 5000, filler.count)]))
        }
        let honest = MergeBench.makeOps(reports: runs * 2)
        let perReport = honest.count / (runs * 2)
        func report(_ i: Int) -> [Op] { Array(honest[(i * perReport)..<((i + 1) * perReport)]) }
        var plain = Double.infinity, loaded = Double.infinity
        for i in 0..<runs { plain = min(plain, try Bench.time { _ = try store.apply(report(i)) }) }

        let year: UInt64 = 365 * 86_400_000
        let ahead = NodeID.random()
        let far = Store.systemMilliseconds() + year
        var heldOps: [Op] = []
        for i in 0..<held {
            let action: Action = i % 4 == 0 ? .exist(causalLength: 1) : .set(field: "f\(i % 4)", value: .string("x"), rank: 0, supersedes: [])
            let stamp = HLC(milliseconds: far + UInt64(i), counter: 0)
            heldOps.append(Op(id: OpID(origin: ahead, seq: UInt64(i + 1)), hlc: stamp, collection: "report",
                              entity: EntityID.make(owner: ahead, local: "held\(i / 4)"), action: action))
        }
        for start in stride(from: 0, to: heldOps.count, by: 5000) {
            _ = try store.apply(Array(heldOps[start..<min(start + 5000, heldOps.count)]))
        }
        for i in runs..<(2 * runs) { loaded = min(loaded, try Bench.time { _ = try store.apply(report(i)) }) }

        // Release one held report (its four ops) by an administrator's decision: a laptop of its own.
        let single = NodeID.random()
        let one = (0..<4).map { i in
            Op(id: OpID(origin: single, seq: UInt64(i + 1)), hlc: HLC(milliseconds: far, counter: UInt16(i)),
               collection: "report", entity: EntityID.make(owner: single, local: "one"),
               action: i == 0 ? .exist(causalLength: 1) : .set(field: "f\(i)", value: .string("x"), rank: 0, supersedes: []))
        }
        _ = try store.apply(one)
        let release = try Bench.time { _ = try QuarantineRelease.release(store: store, origin: single, now: Store.systemMilliseconds()) }
        return Result(reports: reports, held: held, pushHeldSeconds: loaded, pushPlainSeconds: plain, releaseSeconds: release)
    }
}
