import Foundation
import HubKit
import SyncEngine
import SyncProtocol

/// Issue 15: `missionhub report list` at N stored reports — the listing as it runs now (the
/// narrow `hub_report_index` a merge observer keeps, read in its order index) against what it
/// did before (every report's whole document, `Store.documents`), on the same store, same run.
enum ListingBench {
    struct Result {
        let reports: Int
        let listSeconds: Double
        let documentsSeconds: Double
    }

    static func run(reports: Int, runs: Int) throws -> Result {
        let directory = Bench.scratch("listing-hub")
        defer { Bench.remove(directory) }
        let store = try HubStore.create(dataDirectory: directory, mission: "MINUSCA", options: HubStore.options())
        let ops = MergeBench.makeOps(reports: reports)
        for start in stride(from: 0, to: ops.count, by: 5000) {
            _ = try store.apply(Array(ops[start..<min(start + 5000, ops.count)]))
        }
        var listed = 0
        var list = Double.infinity, documents = Double.infinity
        for _ in 0..<max(1, runs) {
            list = min(list, try Bench.time { listed = try ReportListing.load(store: store).count })
            documents = min(documents, try Bench.time { _ = try store.documents("report") })
        }
        guard listed == reports else { throw BenchError(.mismatch, "the listing shows \(listed) reports, not \(reports)") }
        return Result(reports: reports, listSeconds: list, documentsSeconds: documents)
    }
}
