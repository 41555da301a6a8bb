import Foundation
import Glibc
import Synchronization
import HTTP
@testable import HubKit
import SyncEngine
import SyncProtocol
import Testing
import Toolkit

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
final class NotifyListener: Sendable {
    let path: String
    private let fd: Int32

    init() throws {
        path = temporaryDirectory("notify") + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw RawHTTPError(description: "notify socket: errno \(errno)") }
    }

    deinit { Glibc.close(fd) }

    private let seen = Mutex<[String]>([])

    /// Every datagram received so far.
    func drain() -> [String] {
        seen.withLock { seen in
            seen += receive()
            return seen
        }
    }

    func peekCount(prefix: String) -> Int { drain().filter { $0.hasPrefix(prefix) }.count }

    private func receive() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return messages }
            messages.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
    }
}

@Suite struct ServeLifecycleTests {
    @Test func serveFinishesInFlightRequestsOnStopAndTalksToSystemd() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let node = try TestNode()
        let notify = try NotifyListener()
        let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let hooks = ServeHooks(signals: signals) { portSink.yield($0.port ?? 0) }
        let environment = ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "100000", "HOME": "/nonexistent"]
        try await withThrowingTaskGroup(of: CLIResult.self) { group in
            group.addTask {
                defer { portSink.finish() }
                return await runHub(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir], environment: environment, hooks: hooks)
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(try await RawHTTP.request(port: port, method: "GET", path: "/v1/health").status == 200)

            try await offThread {
                let store = try HubStore.open(dataDirectory: dir, options: HubStore.options())
                let token = try NodeRegistry(store: store).issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: Store.systemMilliseconds()).token
                _ = try NodeRegistry(store: store).redeem(tokenHash: EnrollmentToken.hash(token), nodeID: node.id,
                                                          publicKey: node.key.publicKey.rawRepresentation, now: Store.systemMilliseconds())
            }
            try await Task.sleep(for: .milliseconds(250))  // a few watchdog periods

            // A push whose body is half sent when the stop signal comes still gets its ack.
            let ops = node.report(firstSeq: 1, ref: "MINUSCA-EEEE-2M").ops
            let body = BatchCodec.encode(ops, compress: false)
            var head = "POST /v1/push HTTP/1.1\r\nHost: hub\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in node.signedHeaders("POST", "/v1/push", body: body) { head += "\(name): \(value)\r\n" }
            let request = Array((head + "\r\n").utf8) + body
            let raw = try await RawHTTP.exchange(port: port, request, splitAt: request.count - 10) {
                try? await Task.sleep(for: .milliseconds(200))  // the server accepted and read the head
                stop.yield(.term)
                try? await Task.sleep(for: .milliseconds(300))
            }
            let reply = try RawHTTP.parse(raw)
            #expect(reply.status == 200)
            #expect(reply.headers["connection"] == "close")
            #expect(try PushAck.decode(reply.body).perOrigin.first?.contiguousSeq == 4)

            let result = try #require(try await group.next())
            #expect(result.status == 0)
            #expect(result.error.contains("<5>hub serving"))
            #expect(result.error.contains("<5>stopping signal=SIGTERM"))
            #expect(result.error.contains("<5>hub stopped"))
            #expect(!result.error.contains("MINUSCA-EEEE-2M"))  // logs carry no report content
            await #expect(throws: RawHTTPError.self) { try await RawHTTP.request(port: port, method: "GET", path: "/v1/health") }
        }
        let messages = notify.drain()
        let ready = try #require(messages.first)
        #expect(ready.hasPrefix("READY=1\nSTATUS=serving mission MINUSCA on 127.0.0.1:"))
        #expect(messages.filter { $0 == "WATCHDOG=1" }.count >= 2)
        #expect(messages.contains("STOPPING=1"))
        #expect(messages.firstIndex(of: "STOPPING=1") ?? 0 > messages.firstIndex(of: "WATCHDOG=1") ?? 0)
    }

    @Test func sighupReloadsTheConfig() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let config = dir + "/hub.conf"
        try "listen = 127.0.0.1:0\nlog_level = notice\n".write(toFile: config, atomically: true, encoding: .utf8)
        let notify = try NotifyListener()
        let (signals, send) = AsyncStream.makeStream(of: UnixSignal.self)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let hooks = ServeHooks(signals: signals) { portSink.yield($0.port ?? 0) }
        try await withThrowingTaskGroup(of: CLIResult.self) { group in
            group.addTask {
                defer { portSink.finish() }
                return await runHub(["serve", "--config", config, "--data-dir", dir], environment: ["NOTIFY_SOCKET": notify.path], hooks: hooks)
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            _ = try await RawHTTP.request(port: port, method: "GET", path: "/v1/health")  // not logged at notice
            try "listen = 127.0.0.1:0\nlog_level = debug\nmax_connections = 3\n".write(toFile: config, atomically: true, encoding: .utf8)
            send.yield(.hup)
            var reloaded = false
            for _ in 0..<100 where !reloaded {
                try await Task.sleep(for: .milliseconds(20))
                reloaded = notify.peekCount(prefix: "RELOADING=1\nMONOTONIC_USEC=") > 0 && notify.peekCount(prefix: "READY=1") >= 2
            }
            #expect(reloaded)
            _ = try await RawHTTP.request(port: port, method: "GET", path: "/v1/health")  // logged at debug
            try "listen = 127.0.0.1:0\nlog_level = chatty\n".write(toFile: config, atomically: true, encoding: .utf8)
            send.yield(.hup)
            try await Task.sleep(for: .milliseconds(200))
            send.yield(.term)
            let result = try #require(try await group.next())
            #expect(result.status == 0)
            let lines = result.error.split(separator: "\n")
            #expect(lines.filter { $0.hasPrefix("<7>request served component=http ") }.count == 1)
            #expect(lines.contains { $0.hasPrefix("<4>config reloaded; restart the hub to apply these settings settings=max_connections") })
            #expect(lines.contains { $0.hasPrefix("<3>config reload failed; the running settings stay") && $0.contains("hub.conf:2: log_level") })
        }
    }

    @Test func serveRefusesABusyAddressAndABadConfig() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        try await TestHub.with { hub in
            let busy = await runHub(["serve", "--listen", "127.0.0.1:\(hub.port)", "--data-dir", dir])
            #expect(busy.status == 1)
            #expect(busy.error.contains("cannot listen on 127.0.0.1:\(hub.port)"))
        }
        let config = dir + "/../hub.conf"
        try "listen = 127.0.0.1:0\nworkers = 4\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = await runHub(["serve", "--config", config, "--data-dir", dir])
        #expect(bad.status == 1)
        #expect(bad.error.contains("hub.conf:2: unknown setting 'workers'"))
        let missing = await runHub(["serve", "--config", dir + "/nope.conf", "--data-dir", dir])
        #expect(missing.status == 1 && missing.error.contains("nope.conf: configuration file not found"))
        let uninitialised = await runHub(["serve", "--listen", "127.0.0.1:0", "--data-dir", temporaryDirectory()])
        #expect(uninitialised.status == 1 && uninitialised.error.contains("missionhub init"))
    }
}
