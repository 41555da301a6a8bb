import Dispatch
import Foundation
import HTTP
@testable import HubKit
import SyncEngine
import Testing
import Toolkit

/// `missionhub serve` under systemd's watchdog, and what it exits with when a part fails.
@Suite struct ServeWatchdogTests {
    /// Polls `condition` every 10 ms for up to 5 s.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 where !condition() {
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aHungStoreStopsTheWatchdogPingsUntilItAnswers() async throws {
        let directory = temporaryDirectory()
        let store = try await offThread {
            try HubStore.create(dataDirectory: directory + "/data", mission: "MINUSCA", options: HubStore.options())
        }
        let notify = try NotifyListener()
        let logs = LogCapture()
        var settings = HubSettings()
        settings.address = .tcp(host: "127.0.0.1", port: 0)
        let server = HubServer(settings: settings, store: store, log: Logger(minimumLevel: .info, sink: logs.sink),
                               notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"]))
        let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        let pings = { notify.drain().filter { $0 == "WATCHDOG=1" }.count }
        let gate = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(until: signals) }
            let pinging = try await eventually { pings() >= 2 }
            #expect(pinging, "a healthy hub was not pinged")

            // Block the store's queue, as a stuck fsync or a runaway transaction would.
            group.addTask { try await store.async { _ in gate.wait() } }
            try await Task.sleep(for: .milliseconds(200))  // the round in flight ends
            let before = pings()
            try await Task.sleep(for: .milliseconds(600))  // six ping intervals
            #expect(pings() == before, "the watchdog was pinged while the store did not answer")
            #expect(logs.lines.contains { $0.hasPrefix("<4>watchdog not pinged: a liveness check failed check=store") })

            gate.signal()
            let resumed = try await eventually { pings() > before }
            #expect(resumed, "no ping once the store answered again")
            stop.yield(.term)
            try await group.waitForAll()
        }
        #expect(logs.lines.contains("<5>liveness checks pass again; watchdog pinged"))
    }

    @Test func theWatchdogProbesAUnixSocketAndAWildcardListener() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        for listen in [["--unix", "/tmp/hub-watchdog-\(getpid())-\(UInt32.random(in: 0 ... .max)).sock"], ["--listen", "0.0.0.0:0"]] {
            let notify = try NotifyListener()
            let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
            let environment = ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "100000", "HOME": "/nonexistent"]
            try await withThrowingTaskGroup(of: CLIResult.self) { group in
                group.addTask { await runHub(["serve", "--data-dir", dir] + listen, environment: environment, hooks: ServeHooks(signals: signals)) }
                let pinged = try await eventually { notify.peekCount(prefix: "WATCHDOG=1") >= 2 }
                #expect(pinged, "no watchdog ping with \(listen)")
                stop.yield(.term)
                let result = try #require(try await group.next())
                #expect(result.status == 0)
                #expect(!result.error.contains("watchdog not pinged"), "\(result.error)")
            }
        }
    }

    @Test func aServerThatStopsByItselfExitsSeventySoSystemdRestartsIt() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let notify = try NotifyListener()
        let (signals, _) = AsyncStream.makeStream(of: UnixSignal.self)
        // The server's accept loop ends without a stop signal, as if its listener broke.
        let hooks = ServeHooks(signals: signals) { server in server.shutdown() }
        let result = await runHub(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir],
                                  environment: ["NOTIFY_SOCKET": notify.path, "HOME": "/nonexistent"], hooks: hooks)
        #expect(result.status == ExitCode.internalError.rawValue)
        #expect(result.error.contains("<3>stopping: a part of the hub ended reason=\"http ended\""))
        #expect(result.error.contains("error: the hub stopped: the http service stopped by itself"))
        #expect(!result.error.contains("<5>hub stopped"))
        #expect(notify.drain().contains("STOPPING=1"))
        // The lock went with it: the next start (systemd's restart) is not refused.
        let (again, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        stop.yield(.term)
        #expect(await runHub(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir], hooks: ServeHooks(signals: again)).status == 0)
    }

    @Test func aSecondServeOnTheSameDataDirectoryIsRefused() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: CLIResult.self) { group in
            group.addTask {
                defer { portSink.finish() }
                return await runHub(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir],
                                    hooks: ServeHooks(signals: signals) { portSink.yield($0.port ?? 0) })
            }
            var iterator = ports.makeAsyncIterator()
            _ = try #require(await iterator.next())
            let second = await runHub(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir])
            #expect(second.status == 1)
            #expect(second.error.contains("error: a missionhub serve is running on \(dir)"))
            #expect(second.error.contains("systemctl stop missionhub"))
            stop.yield(.term)
            #expect(try await group.next()?.status == 0)
        }
    }
}
