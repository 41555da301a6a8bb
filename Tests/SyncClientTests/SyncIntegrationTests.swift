import TestSupport
import Foundation
import HubKit
import SyncClient
import SyncEngine
import SyncProtocol
import Testing
import Toolkit

/// The node's client against the real hub (HubKit server, in process, loopback), with the
/// fault proxy in between where the scenario needs a broken link.
@Suite struct SyncIntegrationTests {
    /// Runs rounds until one succeeds (at most `limit`); every failure must be a transient
    /// transport failure with `backoff` advice. Returns the failures seen and the last summary.
    func syncUntilDone(_ runner: SyncRunner, limit: Int = 30) async throws -> (failures: Int, summary: SyncSummary) {
        var failures = 0
        for _ in 0..<limit {
            do {
                return (failures, try await runner.syncOnce())
            } catch {
                #expect(error.code == .transport && error.retry == .backoff, "unexpected failure: \(error)")
                failures += 1
            }
        }
        Issue.record("no round succeeded in \(limit) attempts")
        return (failures, SyncSummary())
    }

    /// Every own op of `node` is held by the hub exactly once, none is waiting, and the
    /// node's reports read the same on both sides.
    func expectConverged(_ node: TestNode, _ hub: TestHub, reports: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let own = try node.store.originStates([node.store.nodeID])[0].maxSeq
        let held = try hub.opCount(origin: node.store.nodeID)
        #expect(held.contiguous == own && held.maxSeq == own, "hub holds \(held), node wrote \(own)", sourceLocation: sourceLocation)
        #expect(try node.store.backlog(peer: SyncRunner.peer) == 0, sourceLocation: sourceLocation)
        let onHub = try hub.store.documents("report").filter { EntityID.owner($0.entity) == node.store.nodeID }
        #expect(onHub.count == reports, sourceLocation: sourceLocation)
        #expect(onHub.allSatisfy { $0.fields["hub.receivedAt"] != nil }, sourceLocation: sourceLocation)
        let listing = try node.listing(on: node.store)
        #expect(!listing.isEmpty, sourceLocation: sourceLocation)
        #expect(listing == (try node.listing(on: hub.store)), sourceLocation: sourceLocation)
    }

    @Test func reportsWrittenWhileTheHubIsDownArriveOnceItIsUp() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in _ = try await node.enroll(port: port, hub: hub, name: "desk-1") }
        try node.writeReports(5)
        let down = try node.runner(port: try closedPort())
        await #expect {
            try await down.syncOnce()
        } throws: { error in
            guard let error = error as? SyncClientError else { return false }
            return error.code == .transport && error.retry == .backoff && error.transportCode == "couldNotConnect"
        }
        let status = try node.store.peerState(SyncRunner.peer)
        #expect(status.lastError?.hasPrefix("couldNotConnect") == true)
        #expect(status.lastSuccessMilliseconds == nil)
        #expect(try node.store.backlog(peer: SyncRunner.peer) == 20)

        try await hub.serve { port in
            let summary = try await node.runner(port: port).syncOnce()
            #expect(summary.pushedOps == 20)
            #expect(summary.pulledOps == 5)  // the hub's `hub.receivedAt` stamps come back
            #expect(summary.mergedOps == 5)
        }
        try expectConverged(node, hub, reports: 5)
        let after = try node.store.peerState(SyncRunner.peer)
        #expect(after.lastError == nil && after.lastSuccessMilliseconds != nil)
    }

    @Test(arguments: [150, 700, 2_500, 6_000])
    func connectionsCutMidPushResumeAndEveryOpArrivesOnce(cutAfter: Int) async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-cut")
            try node.writeReports(30, narrativeBytes: 600)  // 120 ops, about 20 KB
            let proxy = try FaultProxy(targetPort: port)
            defer { proxy.close() }
            // Cut the first connections at several points, both directions, then let it pass.
            proxy.enqueue(.cutUpstream(afterBytes: cutAfter), .cutUpstream(afterBytes: cutAfter * 2),
                          .cutDownstream(afterBytes: cutAfter / 3), .cutUpstream(afterBytes: cutAfter * 3))
            let options = SyncOptions(limits: .init(maxBatchBytes: 1_500))
            let runner = try node.runner(port: proxy.port, options: options)
            proxy.recording = true
            let (failures, summary) = try await syncUntilDone(runner)
            // The first connection was cut where asked, with more to send. Whether the round saw
            // a failure depends on where the cut fell: at a request boundary on a kept-alive
            // connection libcurl resends the request on a fresh one by itself.
            #expect(proxy.recordedUpstream.first?.count == cutAfter, "the proxy cut nothing")
            // The rounds the proxy cut may already have pushed (and recorded) every batch, so the
            // last round's own count proves nothing; delivery is checked by `expectConverged`.
            _ = summary
            #expect(proxy.connectionCount >= failures + 1)
        }
        try expectConverged(node, hub, reports: 30)
    }

    @Test func aBatchWhoseAckWasLostIsDeliveredAgainWithoutDuplicates() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-ack")
            try node.writeReports(3)  // 12 ops, one batch
            let proxy = try FaultProxy(targetPort: port)
            defer { proxy.close() }
            proxy.enqueue(.cutDownstream(afterBytes: 12))  // the hub commits; its answer is cut
            let runner = try node.runner(port: proxy.port)
            await #expect(throws: SyncClientError.self) { try await runner.syncOnce() }
            // The hub has every op, but the node could not know: nothing was acknowledged.
            #expect(try hub.opCount(origin: node.store.nodeID) == (12, 12))
            #expect(try node.store.backlog(peer: SyncRunner.peer) == 12)
            let summary = try await runner.syncOnce()
            #expect(summary.pushedOps == 12)  // sent again, acknowledged this time
            #expect(proxy.connectionCount == 2)
        }
        try expectConverged(node, hub, reports: 3)
        let stamps = try hub.store.documents("report").compactMap { $0.fields["hub.receivedAt"] }
        #expect(stamps.allSatisfy { $0.conflicts.isEmpty }, "a repeated batch must not stamp a report twice")
    }

    @Test func aRevokedNodeIsToldToStopAndCanNeverEnrollAgain() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-rev")
            try node.writeReports(1)
            _ = try await node.runner().syncOnce()
            try hub.revoke("desk-rev")
            try node.writeReports(1)
            await #expect {
                try await node.runner().syncOnce()
            } throws: { error in
                guard let error = error as? SyncClientError else { return false }
                return error.wire?.code == .revoked && error.retry == .stop && error.message.contains("fieldnode init")
            }
            #expect(try node.store.peerState(SyncRunner.peer).lastError?.hasPrefix("revoked") == true)
            #expect(try node.store.backlog(peer: SyncRunner.peer) == 4)
            // Neither a new token nor the old one brings the revoked node id back (issue 14).
            await #expect {
                try await node.enroll(port: port, hub: hub, name: "desk-rev")
            } throws: { error in (error as? SyncClientError)?.wire?.code == .revoked }
            await #expect(throws: SyncClientError.self) { try await node.runner().syncOnce() }
            // A fresh data directory (a new node id) takes the name and syncs.
            let fresh = try TestNode()
            try await fresh.enroll(port: port, hub: hub, name: "desk-rev")
            try fresh.writeReports(1)
            #expect(try await fresh.runner().syncOnce().pushedOps == 4)
            let names = try NodeRegistry(store: hub.store).nodes().map(\.name).sorted()
            #expect(names == ["desk-rev", "desk-rev~" + node.store.nodeID.hex])
        }
    }

    @Test func theClockOffsetIsLearnedFromTheHubBeforePulledOpsAreJudged() async throws {
        let behind: Int64 = -600_000  // the laptop's clock is 10 minutes slow
        let hub = try TestHub()
        let node = try TestNode(wallClock: skewedClock(by: behind))
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-clock")
            try node.store.setClockOffset(nil)  // forget what enrollment learned
            try node.writeReports(2)
            let logs = LogCapture()
            let summary = try await node.runner(logger: Logger(minimumLevel: .info, sink: logs.sink)).syncOnce()
            #expect(logs.lines.contains { $0.hasPrefix("<4>this laptop's clock is far from the hub's") })
            let offset = try #require(summary.clockOffsetMilliseconds)
            #expect(abs(offset - 600_000) < 3_000, "offset \(offset)")
            #expect(abs(try node.store.clockOffset() - 600_000) < 3_000)
            #expect(try node.store.peerState(SyncRunner.peer).clockOffsetMilliseconds.map { abs($0 - 600_000) < 3_000 } == true)
            // The hub's stamps are 10 minutes in the laptop's raw future: merged, not quarantined,
            // because the offset was stored before the pull.
            #expect(summary.quarantinedOps == 0)
            #expect(summary.mergedOps == 2)
        }
    }

    @Test func anUnreachableHubIsATransientTransportFailure() async throws {
        let node = try TestNode()
        let credentials = Credentials(nodeID: node.store.nodeID, privateKey: .init(), hubURL: try HubURL("http://127.0.0.1:\(try closedPort())"),
                                      hubNodeID: .random(), mission: "MINUSCA", enrolledAtMilliseconds: 0)
        let runner = try SyncRunner(store: node.store, credentials: credentials)
        try node.writeReports(1)
        // couldNotConnect (not timedOut) shows the attempt failed at once rather than waiting out
        // a timeout; how long that takes is for benchmarks, not tests.
        await #expect {
            try await runner.syncOnce()
        } throws: { error in
            guard let error = error as? SyncClientError else { return false }
            return error.code == .transport && error.transportCode == "couldNotConnect" && error.retry == .backoff
        }
        #expect(try node.store.backlog(peer: SyncRunner.peer) == 4)
    }

    @Test func enrollmentSavesPrivateCredentialsAndRefusesBadTokens() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            await #expect {
                try await Enrollment.enroll(hubURL: "http://127.0.0.1:\(port)", token: "not-a-token", store: node.store, dataDir: node.dir.path)
            } throws: { ($0 as? SyncClientError)?.wire?.code == .badToken && ($0 as? SyncClientError)?.retry == .stop }
            #expect(!Credentials.exist(dataDir: node.dir.path))

            let credentials = try await node.enroll(port: port, hub: hub, name: "desk-enroll")
            #expect(credentials.nodeID == node.store.nodeID)
            #expect(credentials.hubNodeID == hub.store.nodeID)
            #expect(credentials.mission == "MINUSCA")
            #expect(credentials.sealingKey?.publicKey.count == 32)
            let attributes = try FileManager.default.attributesOfItem(atPath: Credentials.path(dataDir: node.dir.path))
            #expect(attributes[.posixPermissions] as? Int == 0o600)
            #expect(try node.store.metadata("hub_url") == "http://127.0.0.1:\(port)")
            #expect(try node.store.metadata("hub_id") == hub.store.nodeID.hex)
            #expect(!FileManager.default.fileExists(atPath: node.dir.file(Enrollment.pendingFileName)))
        }
    }

    @Test func aLostEnrollmentAnswerIsAskedForAgainWithTheSameKey() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            let proxy = try FaultProxy(targetPort: port)
            defer { proxy.close() }
            proxy.enqueue(.cutDownstream(afterBytes: 20))
            let token = try hub.token("desk-lost")
            let credentials = try await Enrollment.enroll(hubURL: "http://127.0.0.1:\(proxy.port)", token: token,
                                                          store: node.store, dataDir: node.dir.path)
            #expect(proxy.connectionCount == 2)
            let enrolled = try NodeRegistry(store: hub.store).nodes().filter { $0.nodeID == node.store.nodeID }
            #expect(enrolled.count == 1)
            // The key the hub knows is the one saved: a signed round works.
            var direct = credentials
            direct.hubURL = try HubURL("http://127.0.0.1:\(port)")
            _ = try await SyncRunner(store: node.store, credentials: direct).syncOnce()
        }
    }

    @Test func aNodeThatSyncedWithOneHubCannotEnrollWithAnother() async throws {
        let first = try TestHub()
        let second = try TestHub()
        let node = try TestNode()
        try await first.serve { port in try await node.enroll(port: port, hub: first, name: "desk-a") }
        try await second.serve { port in
            await #expect {
                try await node.enroll(port: port, hub: second, name: "desk-b")
            } throws: { ($0 as? SyncClientError)?.code == .enrollmentMismatch }
        }
        #expect(try Credentials.load(dataDir: node.dir.path).hubNodeID == first.store.nodeID)
    }
}
