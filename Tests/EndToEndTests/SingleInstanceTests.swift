import Foundation
import Testing

/// One `fieldnode daemon` and one `missionhub serve` per data directory, as real processes:
/// a second one exits 1 with what to do, and the first goes on undisturbed.
@Suite struct SingleInstanceTests {
    @Test(.timeLimit(.minutes(1)))
    func aSecondDaemonOnTheSameDataDirectoryExitsOneAndSaysWhatToDo() async throws {
        let cluster = try await SyncCluster()
        let node = try await cluster.addNode("bossangoa", enroll: false)  // waits for credentials
        let daemon = try await cluster.startDaemon(node)
        try await daemon.waitForLog("daemon starting", timeout: 20)
        let second = try await cluster.node(node, ["daemon", "--interval", "1s"], timeout: 20)
        #expect(second.status == 1 && !second.timedOut, "\(second)")
        #expect(second.stderr.contains("error: another fieldnode daemon is already running on \(node.dataDir)"), "\(second)")
        #expect(second.stderr.contains("hint: see it with `systemctl status fieldnode`"), "\(second)")
        #expect(!second.stderr.contains("daemon starting"), "the second daemon must refuse before it starts")
        let stopped = try await daemon.terminate(within: 5)
        #expect(stopped.inTime && stopped.status == 0 && !stopped.signalled, "the first daemon did not stop cleanly:\n\(daemon.log)")
        #expect(daemon.count("daemon stopped") == 1)
        // The lock went with the first process: a new daemon starts.
        let next = try await cluster.startDaemon(node)
        try await next.waitForLog("daemon starting", timeout: 20)
        #expect(try await next.terminate(within: 5).status == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aSecondHubOnTheSameDataDirectoryExitsOne() async throws {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let second = try await cluster.hubCommand(["serve", "--listen", "127.0.0.1:0"])
        #expect(second.status == 1, "\(second)")
        #expect(second.stderr.contains("error: a missionhub serve is running on \(cluster.hubDir)"), "\(second)")
        #expect(second.stderr.contains("systemctl stop missionhub"), "\(second)")
        #expect(try await cluster.stopHub(), "the first hub did not stop cleanly:\n\(cluster.hubLogs)")
    }
}
