import FieldModel
import NodeKit
import SyncEngine
import SyncProtocol

/// Issue 2: reports saved per second through the node's real write path (`NodeReports`, the
/// code `fieldnode report add` runs) on a `synchronous=FULL` node store, against a plain
/// SQLite insert loop of the very same ops (one row per op), same synchronous setting, same
/// transaction grouping, in the same run. Best of `runs`, store and baseline interleaved.
enum WriteBench {
    struct Result {
        let reports: Int
        let ops: Int
        let storeSeconds: Double
        let plainSeconds: Double
    }

    /// A fresh node store for `mission`, as `fieldnode init` makes it (`synchronous=FULL`).
    static func nodeStore(mission: String, in directory: String? = nil) throws -> Store {
        let path = directory.map { $0 + "/node.sqlite" } ?? Bench.scratch("node.sqlite")
        return try Store.create(path: path, role: .node, metadata: ["mission": mission],
                                options: StoreOptions(synchronous: .full))
    }

    /// Saves `reports` in transactions of `perTransaction` reports (1: one `save` each).
    static func save(_ reports: [ReportIntake], perTransaction: Int, store: Store, mission: String) throws {
        let missionFile = NodeReports.throwawayMissionFile(mission: mission)
        for start in stride(from: 0, to: reports.count, by: perTransaction) {
            let chunk = Array(reports[start..<min(start + perTransaction, reports.count)])
            if perTransaction == 1 {
                _ = try NodeReports.save(chunk[0], store: store, missionFile: missionFile)
            } else {
                _ = try NodeReports.saveAll(chunk, store: store, missionFile: missionFile)
            }
        }
    }

    /// Every own op of `store`, grouped as they were written: `perTransaction` reports a group.
    static func groupedOps(_ store: Store, perTransaction: Int) throws -> [[Op]] {
        let ops = try store.pendingPush(peer: "hub", maxOps: Int(Int32.max), maxBytes: Int.max / 2)
        var groups: [[Op]] = []
        var entities = 0
        var last: String?
        for op in ops {
            if op.entity != last {
                if entities % perTransaction == 0 { groups.append([]) }
                entities += 1
                last = op.entity
            }
            groups[groups.count - 1].append(op)
        }
        return groups
    }

    static func run(samples: Samples, reports count: Int, perTransaction: Int, runs: Int) throws -> Result {
        let reports = samples.reports(count)
        var storeBest = Double.infinity, plainBest = Double.infinity
        var ops = 0
        for _ in 0..<runs {
            let store = try nodeStore(mission: samples.mission)
            defer { Bench.remove(store.path) }
            storeBest = min(storeBest, try Bench.time {
                try save(reports, perTransaction: perTransaction, store: store, mission: samples.mission)
            })
            let groups = try groupedOps(store, perTransaction: perTransaction)
            ops = groups.reduce(0) { $0 + $1.count }
            let expected = (count + perTransaction - 1) / perTransaction
            guard groups.count == expected else {
                throw BenchError(.mismatch, "the store holds \(groups.count) transactions' worth of reports, expected \(expected); the write path changed, update WriteBench")
            }
            let plain = try PlainTable(synchronous: .full)
            defer { Bench.remove(plain.path) }
            plainBest = min(plainBest, try Bench.time { try plain.insert(groups) })
        }
        return Result(reports: count, ops: ops, storeSeconds: storeBest, plainSeconds: plainBest)
    }
}
