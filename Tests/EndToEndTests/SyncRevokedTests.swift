import Foundation
import Testing

/// A revoked node: `fieldnode sync` exits 1 saying it was revoked and what to do, `status`
/// shows it, the daemon stops retrying, and the hub's data stays exactly as it was. Neither
/// an older token nor a new one brings it back; a fresh data directory takes its name.
@Suite struct SyncRevokedTests {
    @Test(.timeLimit(.minutes(1)))
    func aRevokedNodeIsRefusedAndToldWhatToDo() async throws {
        let cluster = try await SyncCluster()
        cluster.hubConfig = "log_level = debug\n"  // logs every request with its status
        try await cluster.startHub()
        let node = try await cluster.addNode("desk")
        var printed = try await cluster.addSamples(node, [0, 1])
        #expect(try await cluster.sync(node).succeeded)

        let revoked = try await cluster.hubCommand(["node", "revoke", "desk"])
        #expect(revoked.succeeded && revoked.stdout.contains("Revoked node 'desk'"), "\(revoked)")
        let reportsBefore = try await cluster.hubReports()
        let nodeBefore = try #require(try await cluster.hubNodes()["desk"])
        #expect(nodeBefore.revoked == true)
        let storeBefore = try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite")

        printed += try await cluster.addSamples(node, [2])
        let refused = try await cluster.sync(node)
        #expect(refused.status == 1 && !refused.signalled, "\(refused)")
        #expect(refused.stderr.contains("revoked"), "the message does not say the device was revoked: \(refused)")
        #expect(refused.stderr.contains("fieldnode init"), "the message does not say what to do: \(refused)")
        let status = try await cluster.status(node)
        #expect(status["lastError"]?.stringValue?.contains("revoked") == true, "\(status)")
        #expect(status["backlog"]?.int64Value ?? 0 > 0)
        let text = try await cluster.node(node, ["status"])
        #expect(text.stdout.contains("revoked"), "`fieldnode status` does not show the revocation: \(text)")

        // The daemon is refused once, says so, and does not hammer the hub.
        let hub = try #require(cluster.hub)
        let daemon = try await cluster.startDaemon(node)
        try await daemon.waitForLog("sync stopped until the device is enrolled again", timeout: 15)
        let refusals = hub.count("status=401")
        #expect(refusals == 2, "one refusal for `fieldnode sync`, one for the daemon:\n\(hub.log)")
        try await Task.sleep(for: .milliseconds(2_500))  // > poll interval (2 s) + sync interval (1 s)
        #expect(hub.count("status=401") == refusals, "the daemon kept retrying a revoked device:\n\(hub.log)")

        // Nothing changed at the hub: same listing, same ops byte for byte.
        #expect(try await cluster.hubReports() == reportsBefore)
        let nodeAfter = try await cluster.hubNodes()["desk"]
        #expect(nodeAfter?.contiguousSeq == nodeBefore.contiguousSeq && nodeAfter?.highestSeq == nodeBefore.highestSeq)
        let storeAfter = try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite")
        #expect(storeAfter.ops == storeBefore.ops, "the hub's op log changed after the revocation")

        // A new token does not bring the revoked node id back (issue 14); the daemon stays stopped.
        await #expect(throws: (any Error).self) { try await cluster.enroll(node, at: cluster.hubURL) }
        #expect(try await cluster.hubCommand(["node", "tokens", "--json"]).json().arrayValue?.count == 1,
                "the refused enrollment must not spend the token")
        #expect(try await daemon.terminate(within: 5).inTime)
        #expect(try await cluster.hubReports() == reportsBefore)
        // A fresh data directory (a new node id) takes the name and syncs.
        let fresh = SyncNode(name: "desk", dataDir: cluster.directory + "/node-desk-replacement")
        #expect(try await cluster.node(fresh, ["init", "--mission", cluster.mission, "--node-name", "desk",
                                                "--mission-file", try await cluster.missionFile()]).succeeded)
        try await cluster.enroll(fresh, at: cluster.hubURL)
        let freshRefs = try await cluster.addSamples(fresh, [3])
        #expect(try await cluster.sync(fresh).succeeded)
        let refs = try await cluster.hubReports().compactMap(\.ref)
        #expect(Set(refs) == Set(printed.dropLast() + freshRefs), "hub: \(refs)")
    }
}
