import Foundation
import SyncEngine
import SyncProtocol

/// Ops merged per second from batches into an on-disk store, against plain inserts of the
/// same rows into a plain table, same synchronous setting, same transaction sizes.
enum MergeBench {
    struct Result {
        let ops: Int
        let mergeSeconds: Double
        let plainSeconds: Double
        let keyedSeconds: Double
        let decodeSeconds: Double
    }

    /// `reports` synthetic reports of about 25 ops each from one origin, as a node would push.
    static func makeOps(reports: Int) -> [Op] {
        let origin = NodeID.random()
        var ops: [Op] = []
        var seq: UInt64 = 0
        var ms: UInt64 = 1_790_000_000_000
        func next(_ entity: String, _ action: Action) {
            seq += 1
            ms += 1
            ops.append(Op(id: OpID(origin: origin, seq: seq), hlc: HLC(milliseconds: ms, counter: 0),
                          collection: "report", entity: entity, action: action))
        }
        let fields = ["mission", "channel", "receivedAt", "incident.date", "incident.dateApproximate", "incident.area",
                      "incident.coordinates.lat", "incident.coordinates.lon", "incident.premises", "allegation.narrative",
                      "victims[0].ageBand", "victims[0].sex", "alleged[0].personnelCategory", "alleged[0].nationality",
                      "alleged[0].unit", "consent.shareWithInvestigators", "consent.victimAssistanceReferral",
                      "consent.followUpContact", "ref", "derived.category"]
        for r in 0..<reports {
            let entity = EntityID.make(owner: origin)
            next(entity, .exist(causalLength: 1))
            for (i, f) in fields.enumerated() {
                let value: Value = i % 5 == 4 ? .bool(r % 2 == 0) : .string("value \(r) of \(f)")
                next(entity, .set(field: f, value: value, rank: 0, supersedes: []))
            }
            for need in ["medical", "psychosocial", "legal"] { next(entity, .add(field: "needs", element: .string(need))) }
        }
        return ops
    }

    /// `run` `runs` times; each timing is the best it reached.
    static func best(of runs: Int, reports: Int, batchSize: Int) throws -> Result {
        var best = try run(reports: reports, batchSize: batchSize)
        for _ in 1..<max(1, runs) {
            let next = try run(reports: reports, batchSize: batchSize)
            best = Result(ops: best.ops, mergeSeconds: min(best.mergeSeconds, next.mergeSeconds),
                          plainSeconds: min(best.plainSeconds, next.plainSeconds),
                          keyedSeconds: min(best.keyedSeconds, next.keyedSeconds),
                          decodeSeconds: min(best.decodeSeconds, next.decodeSeconds))
        }
        return best
    }

    static func run(reports: Int, batchSize: Int) throws -> Result {
        let ops = makeOps(reports: reports)
        let frames = stride(from: 0, to: ops.count, by: batchSize).map {
            BatchCodec.encode(Array(ops[$0..<min($0 + batchSize, ops.count)]), compress: false)
        }
        var decoded: [[Op]] = []
        let decodeSeconds = try Bench.time {
            decoded = try frames.map { try BatchCodec.decode($0, limits: BatchLimits()) }
        }

        let hubPath = Bench.scratch("hub.sqlite")
        defer { Bench.remove(hubPath) }
        let hub = try Store.create(path: hubPath, role: .hub, options: StoreOptions(synchronous: .full))
        let mergeSeconds = try Bench.time {
            for batch in decoded { _ = try hub.apply(batch) }
        }

        let plain = try PlainTable(synchronous: .full)
        defer { Bench.remove(plain.path) }
        let plainSeconds = try Bench.time { try plain.insert(decoded) }
        let keyed = try PlainTable(synchronous: .full, keyed: true)
        defer { Bench.remove(keyed.path) }
        let keyedSeconds = try Bench.time { try keyed.insert(decoded) }
        return Result(ops: ops.count, mergeSeconds: mergeSeconds, plainSeconds: plainSeconds, keyedSeconds: keyedSeconds,
                      decodeSeconds: decodeSeconds)
    }
}
