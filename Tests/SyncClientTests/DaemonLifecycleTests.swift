import Dispatch
import TestSupport
import Foundation
import SyncClient
import SyncEngine
import Testing
import Toolkit

/// `Daemon` as a lifecycle: one per data directory, and a watchdog that checks what it pings for.
@Suite struct DaemonLifecycleTests {
    func configuration() -> DaemonConfiguration {
        DaemonConfiguration(interval: .seconds(3600), pollInterval: .milliseconds(50))
    }

    @Test func aSecondDaemonOnTheSameDataDirectoryRefusesToStart() async throws {
        let node = try TestNode()
        let logs = LogCapture()
        let first = Daemon(store: node.store, dataDir: node.dir.path, configuration: configuration(),
                           logger: Logger(minimumLevel: .info, sink: logs.sink), notifier: SystemdNotifier(environment: [:]))
        let second = Daemon(store: try Store.open(path: node.store.path), dataDir: node.dir.path, configuration: configuration(),
                            logger: .disabled, notifier: SystemdNotifier(environment: [:]))
        let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run(signals: signals) }
            let started = try await eventually { logs.lines.contains { $0.contains("daemon starting") } }
            #expect(started)
            do {
                try await second.run(signals: AsyncStream { $0.yield(.term) })
                Issue.record("a second daemon started beside the first")
            } catch let error as CLIError {
                #expect(error.exitCode == .userError)
                #expect(error.message == "another fieldnode daemon is already running on \(node.dir.path)")
                #expect(error.hint?.contains("systemctl status fieldnode") == true)
                #expect(error.hint?.contains(node.dir.path + "/daemon.lock") == true)
            }
            stop.yield(.term)
            try await group.waitForAll()
        }
        // Once the first has stopped, the lock is free again.
        try await second.run(signals: AsyncStream { $0.yield(.term) })
    }

    @Test func aHungStoreStopsTheWatchdogPingsUntilItAnswers() async throws {
        let node = try TestNode()
        let listener = try NotifyListener(directory: node.dir.path)
        let logs = LogCapture()
        let daemon = Daemon(store: node.store, dataDir: node.dir.path, configuration: configuration(),
                            logger: Logger(minimumLevel: .info, sink: logs.sink),
                            notifier: SystemdNotifier(environment: listener.environment(watchdogMicroseconds: 200_000)))
        let pings = { listener.assignments.filter { $0 == "WATCHDOG=1" }.count }
        let gate = DispatchSemaphore(value: 0)
        let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run(signals: signals) }
            let pinging = try await eventually { pings() >= 2 }
            #expect(pinging, "a healthy daemon was not pinged")

            group.addTask { try await node.store.async { _ in gate.wait() } }
            try await Task.sleep(for: .milliseconds(200))
            let before = pings()
            try await Task.sleep(for: .milliseconds(600))
            #expect(pings() == before, "the watchdog was pinged while the store did not answer")
            #expect(logs.lines.contains { $0.hasPrefix("<4>watchdog not pinged: a liveness check failed") && $0.contains("check=store") })

            gate.signal()
            let resumed = try await eventually { pings() > before }
            #expect(resumed, "no ping once the store answered again")
            stop.yield(.term)
            try await group.waitForAll()
        }
        #expect(listener.assignments.contains("STOPPING=1"))
    }
}
