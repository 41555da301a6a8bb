import TestSupport
import Foundation
import Testing

/// Issue 14, part 1: a hub restored from a backup loses nothing and undoes no security
/// decision. Real `missionhub` and `fieldnode` processes: back up; then enroll a new laptop,
/// record and sync on old and new laptops, spend a token, revoke a laptop, capture a signed
/// request; restore; then every report is at the hub exactly once, the revoked laptop and the
/// spent token are refused, the captured request is refused, and each laptop's status is true.
@Suite struct SyncRestoreTests {
    @Test(.timeLimit(.minutes(2)))
    func aRestoredHubLosesNothingAndUndoesNoSecurityDecision() async throws {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let proxy = try FaultProxy(targetPort: cluster.port)  // records what `old-desk` sends
        defer { proxy.close() }
        let old = try await cluster.addNode("old-desk", at: "http://127.0.0.1:\(proxy.port)")
        let gone = try await cluster.addNode("gone-desk")
        var printed: [SyncNode: [String]] = [old: try await cluster.addSamples(old, [0]), gone: try await cluster.addSamples(gone, [1])]
        #expect(try await cluster.sync(old).succeeded)
        #expect(try await cluster.sync(gone).succeeded)
        let lateToken = try await cluster.issueToken("late-desk")  // issued before the backup, spent after
        let backup = cluster.directory + "/hub-backup.sqlite"
        let backedUp = try await cluster.hubCommand(["backup", "--out", backup])
        #expect(backedUp.succeeded, "\(backedUp)")

        // After the backup.
        let new = try await cluster.addNode("new-desk")
        printed[new] = try await cluster.addSamples(new, [2])
        printed[old, default: []] += try await cluster.addSamples(old, [3])
        proxy.recording = true
        #expect(try await cluster.sync(old).succeeded)
        proxy.recording = false
        #expect(try await cluster.sync(new).succeeded)
        let late = try await cluster.addNode("late-desk", enroll: false)
        try await cluster.enroll(late, at: cluster.hubURL, token: lateToken)
        printed[late] = try await cluster.addSamples(late, [4])
        #expect(try await cluster.sync(late).succeeded)
        #expect(try await cluster.hubCommand(["node", "revoke", "gone-desk"]).succeeded)
        let captured = try #require(proxy.recordedUpstream.first(where: { !$0.isEmpty }))

        // Restore: refused while the hub serves, then done with the hub stopped.
        let busy = try await cluster.hubCommand(["restore", "--from", backup])
        #expect(busy.status == 1 && busy.stderr.contains("is running"), "\(busy)")
        #expect(try await cluster.stopHub())
        let restored = try await cluster.hubCommand(["restore", "--from", backup])
        #expect(restored.succeeded && restored.stdout.contains("as epoch"), "\(restored)")
        let lost = Set(try await cluster.hubReports().compactMap(\.ref))
        #expect(lost == Set(printed[gone, default: []] + printed[old, default: []].prefix(1)), "the backup holds only what came before it")
        #expect(try await cluster.hubNodes().values.allSatisfy { $0.backlog == nil }, "backlogs must read unknown after a restore")
        try await cluster.startHub()

        // Each laptop notices by itself, resends what the hub lost and pulls again.
        for node in [old, new, late] {
            let synced = try await cluster.sync(node)
            #expect(synced.succeeded, "\(node.name): \(synced)")
            #expect(try synced.json()["hubRestored"] == true, "\(node.name) did not notice the new epoch: \(synced)")
            let again = try await cluster.sync(node)  // the next round is an ordinary one
            #expect(try again.json()["hubRestored"] == false && again.json()["pushedOps"] == 0)
        }
        // No security decision was undone.
        let refused = try await cluster.sync(gone)
        #expect(refused.status == 1 && refused.stderr.contains("revoked"), "the revoked laptop synced again: \(refused)")
        let intruder = try await cluster.addNode("intruder", enroll: false)
        await #expect(throws: (any Error).self, "a spent token enrolled again") {
            try await cluster.enroll(intruder, at: cluster.hubURL, token: lateToken)
        }
        let replay = String(decoding: try FaultProxy.exchange(captured, port: cluster.port), as: UTF8.self)
        #expect(replay.hasPrefix("HTTP/1.1 401") && replay.contains("stale_counter") && !replay.contains("HTTP/1.1 200"),
                "a captured request was accepted again: \(replay.prefix(300))")

        // Every report at the hub exactly once; every laptop's status true.
        let refs = try await cluster.hubReports().compactMap(\.ref)
        #expect(refs.count == Set(refs).count, "duplicates at the hub: \(refs.sorted())")
        #expect(Set(refs) == Set(printed.values.joined()), "hub: \(refs.sorted()), printed: \(printed.values.joined().sorted())")
        for node in [old, new, late] {
            let status = try await cluster.status(node)
            #expect(status["backlog"] == 0 && status["backlogVerified"] == true && status["lastError"]?.isNull == true,
                    "\(node.name): \(status)")
            let reports = try await cluster.reports(node)
            #expect(reports.allSatisfy { $0.sync == "received" }, "\(node.name): \(reports)")
            #expect(try await cluster.hubNodes()[node.name]?.backlog == 0)
        }
        let hubStore = try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite")
        #expect(hubStore.integrity == ["ok"])
        #expect(FileManager.default.fileExists(atPath: backup), "restore must leave the backup as it was")
    }
}
