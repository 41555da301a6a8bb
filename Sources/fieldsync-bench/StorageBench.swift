import Foundation
import HubKit
import NodeKit
import SQLite
import SyncEngine
import SyncProtocol
import Zlib

/// Issue 15: bytes a report costs on disk, on the hub and on the node that wrote it, against
/// the gzip size of its intake JSON (the same samples, same run), and what one more push costs
/// the hub as the store grows (the per-report hub cost curve).
///
/// One node writes the sample reports through `NodeReports` (what `fieldnode report add`
/// runs) and pushes them to a hub store in pushes of up to 5000 ops, each applied, stamped
/// (`hub.receivedAt`) and acknowledged in one transaction as `POST /v1/push` does; the node
/// then pulls its stamps back. Sizes are of a `VACUUM INTO` copy (no free pages, no WAL),
/// broken down by table and index with SQLite's `dbstat`.
enum StorageBench {
    struct Point {
        let reports: Int
        let hubBytes: Int
        let nodeBytes: Int
        /// Mean gzip size of the intake JSON of the reports stored.
        let intakeGzipBytes: Double
        /// Best time of a one-node push of `pushReports` new reports, apply + stamp + ack read.
        let pushSeconds: Double
        let pushReports: Int
        let hubBreakdown: [(name: String, bytes: Int)]
        let nodeBreakdown: [(name: String, bytes: Int)]
    }

    static func run(samples: Samples, sizes: [Int], pushReports: Int, runs: Int, progress: (Point) -> Void) throws {
        let directory = Bench.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hub = try HubStore.create(dataDirectory: directory + "/hub", mission: samples.mission, options: HubStore.options())
        let node = try WriteBench.nodeStore(mission: samples.mission, in: directory)
        let sampleGzip = samples.all.map { Double(Zlib.compress($0.bytes, format: .gzip).count) }
        var stored = 0
        var gzipTotal = 0.0
        // Sealed as a laptop seals (a throwaway hub key: sizes include the sealing overhead).
        let missionFile = NodeReports.throwawayMissionFile(mission: samples.mission)
        for size in sizes {
            while stored < size {
                let count = min(500, size - stored)
                let chunk = (stored..<(stored + count)).map { samples.all[$0 % samples.all.count].report }
                _ = try NodeReports.saveAll(chunk, store: node, missionFile: missionFile)
                gzipTotal += (stored..<(stored + count)).reduce(0) { $0 + sampleGzip[$1 % sampleGzip.count] }
                stored += count
                try sync(node: node, hub: hub, maxOps: 5000)
            }
            let hubBreakdown = try breakdown(of: hub.path, in: directory)
            let nodeBreakdown = try breakdown(of: node.path, in: directory)
            var best = Double.infinity
            for run in 0..<runs {
                let extra = (0..<pushReports).map { samples.all[($0 + run) % samples.all.count].report }
                _ = try NodeReports.saveAll(extra, store: node, missionFile: missionFile)
                let ops = try node.pendingPush(peer: "hub", maxOps: 10_000, maxBytes: Int.max / 2)
                best = min(best, try Bench.time { try push(ops, from: node, to: hub) })
                try sync(node: node, hub: hub, maxOps: 5000)
            }
            progress(Point(reports: size, hubBytes: hubBreakdown.reduce(0) { $0 + $1.bytes },
                           nodeBytes: nodeBreakdown.reduce(0) { $0 + $1.bytes }, intakeGzipBytes: gzipTotal / Double(size),
                           pushSeconds: best, pushReports: pushReports, hubBreakdown: hubBreakdown, nodeBreakdown: nodeBreakdown))
            // The timed pushes' reports count from here on, as stored reports.
            stored += runs * pushReports
            gzipTotal += (0..<runs).reduce(0.0) { total, run in
                total + (0..<pushReports).reduce(0.0) { $0 + sampleGzip[($1 + run) % sampleGzip.count] }
            }
        }
    }

    /// Pushes everything the node has not had acknowledged, then pulls back what the hub has for it.
    static func sync(node: Store, hub: Store, maxOps: Int) throws {
        while true {
            let ops = try node.pendingPush(peer: "hub", maxOps: maxOps, maxBytes: Int.max / 2)
            if ops.isEmpty { break }
            try push(ops, from: node, to: hub)
        }
        let scopes = ScopePolicy.scopes(for: node.nodeID)
        while true {
            let cursor = try node.peerState("hub").pullCursor
            let slice = try hub.opsForPull(scopes: scopes, excludingOrigin: node.nodeID, after: cursor, maxOps: 5000, maxBytes: Int.max / 2)
            _ = try node.applyPulled(peer: "hub", ops: slice.ops, nextCursor: slice.nextCursor)
            if !slice.more { break }
        }
    }

    /// What `POST /v1/push` does to the store: apply, stamp and read the ack in one transaction.
    static func push(_ ops: [Op], from node: Store, to hub: Store) throws {
        let contiguous = try hub.transaction { tx -> UInt64 in
            let outcome = try tx.apply(ops)
            try ReceiptStamper.stamp(in: tx, batch: ops, released: outcome.releasedEntities, now: Store.systemMilliseconds())
            return try tx.originStates([node.nodeID]).first?.contiguous ?? 0
        }
        try node.recordPushAck(peer: "hub", contiguous: contiguous)
    }

    /// Bytes per table and index of a compacted copy of the store at `path`, largest first.
    static func breakdown(of path: String, in directory: String) throws -> [(name: String, bytes: Int)] {
        let copy = directory + "/compacted.sqlite"
        try? FileManager.default.removeItem(atPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let source = try Database(path: path, options: DatabaseOptions())
        try source.execute("VACUUM INTO ?", [.text(copy)])
        try source.close()
        let db = try Database(path: copy, options: DatabaseOptions())
        defer { try? db.close() }
        let rows = try db.query("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC") { row in
            (name: row.string(0) ?? "?", bytes: row.int(1) ?? 0)
        }
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int) ?? 0
        let counted = rows.reduce(0) { $0 + $1.bytes }
        return fileBytes > counted ? rows + [(name: "(free and header pages)", bytes: fileBytes - counted)] : rows
    }
}
