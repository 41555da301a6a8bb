import Foundation
import Testing

/// A hub and three field nodes as real processes: reports written while the hub is down
/// arrive, exactly once, when it comes back on the same port; two nodes deliver with
/// `fieldnode sync`, the third with its daemon.
@Suite struct SyncHubDownTests {
    @Test(.timeLimit(.minutes(1)))
    func reportsWrittenWhileTheHubIsDownArriveExactlyOnce() async throws {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let bangui = try await cluster.addNode("bangui")
        let bambari = try await cluster.addNode("bambari")
        let bria = try await cluster.addNode("bria")
        // Something synced before the outage, so "after" is not the first contact.
        var printed: [SyncNode: [String]] = [bangui: try await cluster.addSamples(bangui, [0])]
        #expect(try await cluster.sync(bangui).succeeded)

        #expect(try await cluster.stopHub(), "the hub did not stop cleanly on SIGTERM:\n\(cluster.hubLogs)")
        printed[bangui, default: []] += try await cluster.addSamples(bangui, [1, 4])
        printed[bambari] = try await cluster.addSamples(bambari, [2, 5]) + cluster.burst(bambari, count: 20, seed: 7)
        printed[bria] = try await cluster.addSamples(bria, [3]) + cluster.burst(bria, count: 20, seed: 8)

        // While the hub is down a sync fails as a user error that says what happened, and
        // keeps the reports queued.
        let offline = try await cluster.sync(bangui)
        #expect(offline.status == 1 && !offline.signalled, "\(offline)")
        #expect(offline.stderr.contains("unreachable") && offline.stderr.contains("queued reports stay safe"), "\(offline)")
        #expect(try await cluster.reports(bangui).filter { $0.sync == "queued" }.count == 2)
        let down = try await cluster.status(bangui)
        #expect(down["backlog"]?.int64Value ?? 0 > 0)
        #expect(down["lastError"]?.stringValue?.isEmpty == false, "the failure is not recorded for `status`")

        try await cluster.startHub()
        for node in [bangui, bambari] {
            let synced = try await cluster.sync(node)
            #expect(synced.succeeded, "\(synced)")
            #expect(try synced.json()["pushedOps"]?.int64Value ?? 0 > 0)
        }
        let daemon = try await cluster.startDaemon(bria)
        try await daemon.waitForLog("sync round finished", timeout: 30)
        let stopped = try await daemon.terminate(within: 5)
        #expect(stopped.inTime && stopped.status == 0 && !stopped.signalled,
                "the daemon did not stop cleanly within 5 s of SIGTERM:\n\(daemon.log)")

        try await SyncConvergence.expectConverged(cluster, printed: printed)
        // A second round has nothing to send: nothing was left behind, nothing is sent twice.
        for node in [bangui, bambari, bria] {
            let again = try await cluster.sync(node)
            #expect(try again.json()["pushedOps"]?.int64Value == 0, "\(node.name): \(again)")
        }
        #expect(try await cluster.hubReports().count == printed.values.joined().count)
    }
}
