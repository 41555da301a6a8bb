import TestSupport
import Foundation
import Testing

/// A node syncing through `FaultProxy` (it is enrolled at the proxy's address): connections
/// cut after N bytes in either direction, a delayed link, and a push whose answer is lost
/// after the hub applied it, so the node sends the same batch again.
///
/// Replay: `FIELDSYNC_E2E_SEED=<seed>` (printed at the start).
@Suite struct SyncFaultProxyTests {
    @Test(.timeLimit(.minutes(1)))
    func cutsAndDelaysEndInExactlyOnceDelivery() async throws {
        var random = SyncSeed(test: "SyncFaultProxyTests")
        let (cluster, proxy, node, nodeID) = try await proxiedNode()
        defer { proxy.close() }
        // (fault, whether the round must fail): a cut before the request is whole, or before
        // the first answer is whole, always fails; later cuts and delays may let it through.
        let schedule: [(FaultProxy.Fault, Bool)] = [
            (.cutUpstream(afterBytes: 0), true),
            (.cutUpstream(afterBytes: 120), true),                                          // in the headers
            (.cutUpstream(afterBytes: Int.random(in: 400...2_000, using: &random)), true),  // in the body
            (.cutDownstream(afterBytes: 0), true),                                          // the ack is lost
            (.cutDownstream(afterBytes: Int.random(in: 20...120, using: &random)), true),   // in the ack's headers (123 bytes)
            (.cutDownstream(afterBytes: Int.random(in: 300...3_000, using: &random)), false),
            (.cutUpstream(afterBytes: Int.random(in: 5_000...40_000, using: &random)), false),
            (.delay(.milliseconds(30)), false),
        ]
        var printed: [String] = []
        for (round, (fault, mustFail)) in schedule.enumerated() {
            printed += try await cluster.burst(node, count: 25, seed: random.next() % 1_000_000)
            proxy.enqueue(fault)
            let outcome = try await cluster.sync(node)
            print("SyncFaultProxyTests round \(round): \(fault): exit \(outcome.status), \(proxy.connectionCount) connections so far")
            #expect(!outcome.timedOut && !outcome.signalled && (outcome.status == 0 || outcome.status == 1),
                    "round \(round) \(fault), seed \(random.seed): \(outcome)")
            if mustFail { #expect(outcome.status == 1, "round \(round) \(fault): \(outcome)") }
            if outcome.status == 1 {
                #expect(outcome.stderr.contains("queued reports stay safe"), "round \(round) \(fault): \(outcome)")
            }
            // Whatever was cut, the hub holds a gapless prefix of the node's ops (a batch is one
            // transaction: all of it or none).
            #expect(try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite").prefix(of: nodeID) != nil,
                    "round \(round) \(fault): gaps at the hub")
        }
        #expect(proxy.connectionCount >= schedule.count)

        let synced = try await syncUntilSuccess(cluster, node, attempts: 5)
        #expect(synced, "five clean syncs in a row failed")
        try await SyncConvergence.expectConverged(cluster, printed: [node: printed])
    }

    @Test(.timeLimit(.minutes(1)))
    func aBatchDeliveredTwiceIsStoredOnce() async throws {
        let (cluster, proxy, node, nodeID) = try await proxiedNode()
        defer { proxy.close() }
        // 40 reports ≈ 900 ops: two push batches (500 ops at most each).
        let refs = try await cluster.burst(node, count: 40, seed: 5)
        let ownOps = try await SyncStoreFile.read(node.storePath).seqs(of: nodeID).count
        let hub = try #require(cluster.hub)

        // The hub applies the first batch; its answer never reaches the node.
        proxy.enqueue(.cutDownstream(afterBytes: 0))
        let lost = try await cluster.sync(node)
        #expect(lost.status == 1, "\(lost)")
        #expect(hub.count("push applied") == 1)
        let applied = try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite").prefix(of: nodeID)
        #expect(applied == 500, "the hub holds \(String(describing: applied)) ops, not the first batch")
        let waiting = try await cluster.status(node)
        #expect(waiting["backlog"]?.int64Value == Int64(ownOps), "the node counted an ack it never got: \(waiting)")
        #expect(try await cluster.reports(node).allSatisfy { $0.sync == "queued" })

        // The node sends the same batch again: recognised as duplicates, stored once.
        let resent = try await cluster.sync(node)
        #expect(resent.succeeded, "\(resent)")
        #expect(try resent.json()["pushedOps"]?.int64Value == Int64(ownOps))
        let pushes = hub.log.split(separator: "\n").filter { $0.contains("push applied") }
        #expect(pushes.count == 3, "\(pushes)")
        #expect(pushes.dropFirst().first?.contains("duplicates=\(applied ?? -1) ") == true,
                "the second delivery of the first batch was not seen as duplicates: \(pushes)")
        let listed = try await cluster.hubNodes()["desk"]
        #expect(listed?.gaps == 0 && listed?.contiguousSeq == Int64(ownOps) && listed?.highestSeq == Int64(ownOps),
                "\(String(describing: listed))")
        try await SyncConvergence.expectConverged(cluster, printed: [node: refs])
    }

    /// A serving hub, a proxy in front of it, and a node enrolled at the proxy (with its id).
    private func proxiedNode() async throws -> (SyncCluster, FaultProxy, SyncNode, String) {
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let proxy = try FaultProxy(targetPort: cluster.port)
        let node = try await cluster.addNode("desk", at: "http://127.0.0.1:\(proxy.port)")
        let nodeID = try #require(try await cluster.status(node)["nodeId"]?.stringValue)
        return (cluster, proxy, node, nodeID)
    }

    /// Runs `fieldnode sync` until it succeeds, at most `attempts` times.
    private func syncUntilSuccess(_ cluster: SyncCluster, _ node: SyncNode, attempts: Int) async throws -> Bool {
        for _ in 1...attempts {
            if try await cluster.sync(node).succeeded { return true }
        }
        return false
    }
}
