import TestSupport
import SyncClient
import Testing

/// The proxy's own faults, seen through a real sync round.
@Suite struct FaultProxyTests {
    @Test func dropDelayAndPassThroughBehaveAsDocumented() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-proxy")
            try node.writeReports(1)
            let proxy = try FaultProxy(targetPort: port)
            defer { proxy.close() }
            proxy.enqueue(.drop, .delay(.milliseconds(150)))
            let runner = try node.runner(port: proxy.port)
            await #expect {
                try await runner.syncOnce()
            } throws: { ($0 as? SyncClientError)?.code == .transport }
            let started = ContinuousClock.now
            let summary = try await runner.syncOnce()  // delayed connection: slow, but complete
            #expect(summary.pushedOps == 4)
            #expect(ContinuousClock.now - started >= .milliseconds(300), "push and pull should each wait 150 ms")
            #expect(proxy.connectionCount == 2)
            // A new target applies to new connections (a new runner has a new connection).
            proxy.targetPort = try closedPort()
            let fresh = try node.runner(port: proxy.port)
            await #expect(throws: SyncClientError.self) { try await fresh.syncOnce() }
        }
    }
}
