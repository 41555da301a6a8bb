import TestSupport
import Foundation
import Synchronization
import SyncClient
import SyncEngine
import Testing
import Toolkit

/// `Daemon` against the real hub: scheduling, local writes, stop, revocation, reload, systemd.
@Suite struct DaemonTests {
    /// Runs `daemon` while `body` runs, then sends SIGTERM through the signal stream and
    /// returns how long the daemon took to stop.
    func running(_ daemon: Daemon, _ body: (_ signal: @Sendable (UnixSignal) -> Void) async throws -> Void) async throws -> Duration {
        let (signals, control) = AsyncStream.makeStream(of: UnixSignal.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run(signals: signals) }
            do {
                try await body { control.yield($0) }
            } catch {
                control.yield(.term)
                try await group.waitForAll()
                throw error
            }
            let asked = ContinuousClock.now
            control.yield(.term)
            try await group.waitForAll()
            return ContinuousClock.now - asked
        }
    }

    func configuration(interval: Duration = .seconds(3600), hubURL: String? = nil) -> DaemonConfiguration {
        DaemonConfiguration(interval: interval, pollInterval: .milliseconds(50), hubURL: hubURL,
                            backoffBase: .milliseconds(200), backoffCap: .seconds(1))
    }

    func own(_ hub: TestHub, _ node: TestNode) async throws -> UInt64 {
        try await hub.store.async { [id = node.store.nodeID] in try $0.originStates([id])[0].contiguous }
    }

    func ownWritten(_ node: TestNode) async throws -> UInt64 {
        try await node.store.async { try $0.originStates([$0.nodeID])[0].maxSeq }
    }

    @Test func syncsAtStartAndSoonAfterALocalWriteAndStopsWithinFiveSeconds() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        let listener = try NotifyListener(directory: node.dir.path)
        let logs = LogCapture()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-daemon")
            try node.writeReports(2)
            let daemon = Daemon(store: node.store, dataDir: node.dir.path, configuration: configuration(),
                                logger: Logger(minimumLevel: .debug, sink: logs.sink),
                                notifier: SystemdNotifier(environment: listener.environment(watchdogMicroseconds: 600_000)))
            let stopTime = try await running(daemon) { _ in
                let first = try await eventually { listener.assignments.contains { $0.hasPrefix("STATUS=synced: pushed 8") } }
                #expect(first, "the first round did not push")
                #expect(try await own(hub, node) == 8)
                // The interval is an hour: only the local-write watch can bring this one over.
                try node.writeReports(1)
                let second = try await eventually(timeout: .seconds(5)) { listener.assignments.contains { $0.hasPrefix("STATUS=synced: pushed 4") } }
                #expect(second, "no sync after a local write")
                #expect(try await own(hub, node) == 12)
                let watchdog = try await eventually { listener.assignments.contains("WATCHDOG=1") }
                #expect(watchdog)
            }
            #expect(stopTime < .seconds(5))
        }
        let sent = listener.assignments
        #expect(sent.first == "READY=1")
        #expect(sent.contains("STOPPING=1"))
        #expect(logs.lines.contains { $0.contains("daemon stopped") })
        #expect(!logs.lines.contains { $0.contains("allegation") || $0.contains("narrative") })
    }

    @Test func stopsWithinFiveSecondsWhileARequestHangsAndLosesNothing() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-hang")
            try node.writeReports(2)
            let proxy = try FaultProxy(targetPort: port)
            defer { proxy.close() }
            proxy.defaultFault = .blackhole
            let daemon = Daemon(store: node.store, dataDir: node.dir.path,
                                configuration: configuration(hubURL: "http://127.0.0.1:\(proxy.port)"), logger: .disabled,
                                notifier: SystemdNotifier(environment: [:]))
            let stopTime = try await running(daemon) { _ in
                #expect(try await eventually { proxy.connectionCount >= 1 })
                try await Task.sleep(for: .milliseconds(200))  // the push is in flight, unanswered
            }
            #expect(stopTime < .seconds(5), "stopping took \(stopTime)")
            #expect(try node.store.backlog(peer: SyncRunner.peer) == 8)
            #expect(try node.store.peerState(SyncRunner.peer).pushAcked == 0)
            // The next run picks up where the last acknowledgement left off.
            _ = try await node.runner(port: port).syncOnce()
            #expect(try await own(hub, node) == 8)
        }
    }

    @Test func aRevokedNodeLogsOnceAndStopsRetrying() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        let logs = LogCapture()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-revoked")
            let proxy = try FaultProxy(targetPort: port)
            defer { proxy.close() }
            try hub.revoke("desk-revoked")
            try node.writeReports(1)
            let daemon = Daemon(store: node.store, dataDir: node.dir.path,
                                configuration: configuration(interval: .milliseconds(100), hubURL: "http://127.0.0.1:\(proxy.port)"),
                                logger: Logger(minimumLevel: .info, sink: logs.sink), notifier: SystemdNotifier(environment: [:]))
            _ = try await running(daemon) { _ in
                #expect(try await eventually { logs.lines.contains { $0.contains("sync stopped") } })
                let connections = proxy.connectionCount
                try node.writeReports(1)  // a local write does not restart a stopped daemon
                try await Task.sleep(for: .milliseconds(600))
                #expect(proxy.connectionCount == connections, "a stopped daemon must not retry")
                #expect(logs.lines.filter { $0.hasPrefix("<3>") && $0.contains("sync stopped") }.count == 1)
                #expect(try node.store.peerState(SyncRunner.peer).lastError?.hasPrefix("revoked") == true)
                // A revoked node id never enrolls again (issue 14); the daemon stays stopped.
                await #expect(throws: SyncClientError.self) { try await node.enroll(port: port, hub: hub, name: "desk-revoked") }
                try await Task.sleep(for: .milliseconds(300))
                #expect(proxy.connectionCount == connections)
                #expect(try await own(hub, node) == 0)
            }
        }
    }

    @Test func anUnreachableHubIsRetriedWithBoundedBackoffUntilItAnswers() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        let logs = LogCapture()
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-down")
            try node.writeReports(1)
            let proxy = try FaultProxy(targetPort: try closedPort())  // the hub is "down" behind it
            defer { proxy.close() }
            let daemon = Daemon(store: node.store, dataDir: node.dir.path,
                                configuration: configuration(hubURL: "http://127.0.0.1:\(proxy.port)"),
                                logger: Logger(minimumLevel: .info, sink: logs.sink), notifier: SystemdNotifier(environment: [:]))
            _ = try await running(daemon) { _ in
                let retried = try await eventually { proxy.connectionCount >= 3 }
                #expect(retried, "the daemon did not retry")
                proxy.targetPort = port  // the hub comes back
                let synced = try await eventually { logs.lines.contains { $0.contains("sync recovered") } }
                #expect(synced, "no sync once the hub answered")
                #expect(try await own(hub, node) == 4)
            }
        }
        let failures = logs.lines.filter { $0.contains("sync failed") }
        #expect(failures.first?.hasPrefix("<4>sync failed; backing off") == true)
        for line in failures {
            let delay = line.split(separator: " ").first { $0.hasPrefix("retry_in_ms=") }.flatMap { Int($0.dropFirst(12)) }
            #expect(delay.map { $0 >= 0 && $0 <= 1_000 } == true, "delay beyond the 1 s cap: \(line)")
        }
    }

    @Test func sighupReloadsTheConfiguration() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        let reloads = Mutex(0)
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-hup")
            let proxy = try FaultProxy(targetPort: port)
            defer { proxy.close() }
            let base = configuration(hubURL: "http://127.0.0.1:\(try closedPort())")
            let fixed = configuration(hubURL: "http://127.0.0.1:\(proxy.port)")
            let daemon = Daemon(store: node.store, dataDir: node.dir.path, configuration: base, logger: .disabled,
                                notifier: SystemdNotifier(environment: [:])) {
                reloads.withLock { $0 += 1 }
                return fixed
            }
            _ = try await running(daemon) { signal in
                try node.writeReports(1)
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await own(hub, node) == 0)
                signal(.hup)
                #expect(try await eventually { try await own(hub, node) == 4 }, "the reloaded hub URL was not used")
            }
            #expect(proxy.connectionCount >= 1)
        }
        #expect(reloads.withLock { $0 } == 1)
    }

    @Test func aNodeThatIsNotEnrolledWaitsForCredentials() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        let logs = LogCapture()
        try await hub.serve { port in
            try node.writeReports(1)
            let daemon = Daemon(store: node.store, dataDir: node.dir.path, configuration: configuration(), 
                                logger: Logger(minimumLevel: .info, sink: logs.sink), notifier: SystemdNotifier(environment: [:]))
            _ = try await running(daemon) { _ in
                #expect(try await eventually { logs.lines.contains { $0.contains("error=notEnrolled") } })
                try await node.enroll(port: port, hub: hub, name: "desk-late")
                #expect(try await eventually { try await own(hub, node) == 4 })
            }
        }
    }
}
