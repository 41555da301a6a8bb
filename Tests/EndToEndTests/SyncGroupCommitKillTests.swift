import Foundation
import SQLite
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15: the hub commits concurrent requests together (group commit), and answers none
/// before the commit that holds it. Four laptops' daemons push at once in small batches; the
/// hub is `kill -9`ed after its k-th `push applied` line plus a delay (both seeded). Then no
/// acknowledged op may be missing: every laptop's recorded acknowledgement (`peers.push_acked`
/// in its store file) is covered by a gapless prefix of its ops in the hub's file. After a
/// restart every report arrives exactly once.
///
/// Replay: `FIELDSYNC_E2E_SEED=<seed>` (printed at the start).
@Suite struct SyncGroupCommitKillTests {
    @Test(.timeLimit(.minutes(2)))
    func hubKilledDuringConcurrentPushesLosesNoAcknowledgedOp() async throws {
        var random = SyncSeed(test: "SyncGroupCommitKillTests")
        let batches = Int.random(in: 4...24, using: &random)
        let delay = UInt32.random(in: 0...20_000, using: &random)
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        var nodes: [SyncNode] = []
        var printed: [SyncNode: [String]] = [:]
        for index in 0..<4 {
            let node = try await cluster.addNode("desk-\(index)")
            printed[node] = try await cluster.burst(node, count: 40, seed: random.next() % 1_000_000)
            nodes.append(node)
        }
        let config = """
            # small batches, so that the laptops' pushes overlap and the kill lands between many acknowledgements
            max_batch_bytes = 4096
            """
        var daemons: [SyncChild] = []
        for node in nodes { daemons.append(try await cluster.startDaemon(node, config: config)) }
        let hub = try #require(cluster.hub)
        try await hub.waitForLog("push applied", count: batches, timeout: 60) {
            usleep(delay)
            hub.sigkill()
        }
        #expect(try await cluster.killHub(), "the hub was not ended by SIGKILL:\n\(cluster.hubLogs)")
        for daemon in daemons {
            let stopped = try await daemon.terminate(within: 5)
            #expect(stopped.inTime && stopped.status == 0, "a daemon did not stop on SIGTERM:\n\(daemon.log)")
        }

        // What each laptop holds as acknowledged is in the hub's file, as a gapless prefix.
        let killed = try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite")
        #expect(killed.integrity == ["ok"], "hub store after kill -9: \(killed.integrity)")
        var acknowledged = 0
        for node in nodes {
            let nodeID = try await cluster.status(node)["nodeId"]?.stringValue ?? "?"
            let acked = try Self.pushAcked(node.storePath)
            let held = killed.prefix(of: nodeID)
            #expect(held != nil, "\(node.name): the hub holds its ops with gaps: \(killed.seqs(of: nodeID).prefix(50))")
            #expect(Int64(held ?? 0) >= acked, "\(node.name): acknowledged up to \(acked) but the hub holds \(held ?? 0) after kill -9 (seed \(random.seed))")
            acknowledged += Int(acked)
        }
        #expect(acknowledged > 0, "no push was acknowledged before the kill (seed \(random.seed))")
        print("SyncGroupCommitKillTests: killed after \(batches) batches + \(delay) µs; \(acknowledged) ops acknowledged, all held")

        try await cluster.startHub()
        var resumed: [SyncChild] = []
        for node in nodes { resumed.append(try await cluster.startDaemon(node, config: config)) }
        for daemon in resumed {
            try await daemon.waitForLog("sync round finished", timeout: 60)
            #expect(try await daemon.terminate(within: 5).inTime)
        }
        try await SyncConvergence.expectConverged(cluster, printed: printed)
    }

    /// The acknowledgement a laptop recorded from the hub (its store file, read-only).
    static func pushAcked(_ path: String) throws -> Int64 {
        let db = try Database(path: path, options: DatabaseOptions(readOnly: true, create: false))
        defer { try? db.close() }  // read-only: a failed close loses nothing
        return try db.scalar("SELECT coalesce(max(push_acked), 0) FROM peers", as: Int64.self) ?? 0
    }
}
