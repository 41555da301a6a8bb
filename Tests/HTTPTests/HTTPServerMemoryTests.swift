import Dispatch
import Foundation
import Testing
@testable import HTTP

/// The server's memory is bounded by its configuration whatever clients send: one budget of
/// request bytes across connections, and a cap of connections per client address.
@Suite struct HTTPServerMemoryTests {
    @Test func theBudgetChargesAndReleasesAndNeverPassesItsLimit() {
        let budget = RequestByteBudget(limit: 100)
        #expect(budget.reserve(60))
        #expect(!budget.reserve(41))  // refused whole: nothing charged
        #expect(budget.current == 60)
        #expect(budget.reserve(40))
        budget.release(70)
        #expect(budget.current == 30 && budget.peak == 100)
        #expect(budget.reserve(70) && !budget.reserve(1))
    }

    @Test func theEffectiveBudgetHoldsAtLeastOneWholeRequest() {
        var configuration = HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0))
        configuration.maxBufferedRequestBytes = 1
        #expect(configuration.effectiveMaxBufferedRequestBytes > configuration.limits.maxBodyBytes + configuration.limits.maxHeaderBytes)
        configuration.maxBufferedRequestBytes = 1 << 30
        #expect(configuration.effectiveMaxBufferedRequestBytes == 1 << 30)
    }

    /// Four connections each hold most of a 256 KiB body; a fifth whose body would pass the
    /// 1 MiB budget is answered 503 and closed, while the four finish normally; afterwards
    /// nothing is held and the peak never passed the budget.
    @Test func aRequestThatWouldPassTheBudgetIs503AndTheOthersFinish() async throws {
        let bodySize = 256 * 1024, budget = 1 << 20
        try await withServer(configure: {
            $0.limits.maxBodyBytes = bodySize
            $0.maxBufferedRequestBytes = budget
        }) { server in
            #expect(server.configuration.effectiveMaxBufferedRequestBytes == budget)
            let head = "POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(bodySize)\r\n\r\n"
            let partial = bodySize - 6 * 1024
            var holders: [RawClient] = []
            defer { holders.forEach { $0.close() } }
            for _ in 0..<4 {
                let client = try await RawClient.connect(port: try port(server))
                try await client.send(Array(head.utf8) + [UInt8](repeating: 0x61, count: partial))
                holders.append(client)
            }
            // Wait until the server holds the four partial bodies.
            for _ in 0..<250 where server.bufferedRequestBytes.current < 4 * partial {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(server.bufferedRequestBytes.current >= 4 * partial)

            let fifth = try await RawClient.connect(port: try port(server))
            defer { fifth.close() }
            try await fifth.send(Array(head.utf8) + [UInt8](repeating: 0x62, count: bodySize))
            let refused = try await fifth.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.header("Connection") == "close")
            #expect(refused.text.contains(#""retry":"backoff""#))

            for client in holders {
                try await client.send([UInt8](repeating: 0x61, count: bodySize - partial))
                let echoed = try await client.readResponse()
                #expect(echoed.status == 200)
                #expect(echoed.body.count == bodySize)
            }
            for _ in 0..<250 where server.bufferedRequestBytes.current != 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(server.bufferedRequestBytes.current == 0)
            #expect(server.bufferedRequestBytes.peak <= budget)
        }
    }

    /// The charge follows what the parser holds, not the bytes on the wire: a body sent in
    /// one-byte chunks (six wire bytes per body byte) larger than the budget on the wire
    /// still fits, and keep-alive requests after it start from nothing.
    @Test func chunkFramingIsNotChargedAgainstTheBudget() async throws {
        let bodySize = 200 * 1024
        try await withServer(configure: {
            $0.limits.maxBodyBytes = bodySize
            $0.maxBufferedRequestBytes = 1 << 20
        }) { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            var wire = Array("POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for _ in 0..<bodySize { wire += Array("1\r\nz\r\n".utf8) }
            wire += Array("0\r\n\r\n".utf8)
            #expect(wire.count > server.configuration.effectiveMaxBufferedRequestBytes)
            for _ in 0..<2 {
                try await client.send(wire)
                let echoed = try await client.readResponse()
                #expect(echoed.status == 200)
                #expect(echoed.body.count == bodySize)
            }
            #expect(server.bufferedRequestBytes.peak <= bodySize + 2 * HTTPConnection.readSize + 64 * 1024)
        }
    }

    @Test func bodyPaceWantsAWindowsWorthInEveryWindow() {
        let start = DispatchTime(uptimeNanoseconds: 1_000_000_000)
        var pace = BodyPace(timeout: .seconds(10), minBytesPerSecond: 1000)  // 10 000 bytes a window
        #expect(pace.deadline(now: start) == start + .seconds(10))
        pace.add(9999, now: start + .seconds(3))
        #expect(pace.deadline(now: start + .seconds(4)) == start + .seconds(10))  // progress alone earns nothing
        pace.add(1, now: start + .seconds(5))
        #expect(pace.deadline(now: start + .seconds(6)) == start + .seconds(15))
        pace.add(10_000_000, now: start + .seconds(7))  // a burst moves the window once, not by its size
        #expect(pace.deadline(now: start + .seconds(8)) == start + .seconds(17))
        pace.reset()
        #expect(pace.deadline(now: start + .seconds(20)) == start + .seconds(30))
        var progressOnly = BodyPace(timeout: .seconds(10), minBytesPerSecond: nil)
        #expect(progressOnly.deadline(now: start + .seconds(99)) == start + .seconds(109))
    }

    /// A body trickled at 25 KB/s, each piece well inside `bodyTimeout` (1 s), against a floor
    /// of 100 KB/s: answered 408 after the first window, long before the body could end.
    @Test func aTrickledBodyIsCutAtTheMinimumRate() async throws {
        try await withServer(configure: {
            $0.bodyTimeout = .seconds(1)
            $0.minBodyBytesPerSecond = 100_000
        }) { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n")
            let clock = ContinuousClock(), start = clock.now
            while clock.now - start < .seconds(3) {
                try? await client.send([UInt8](repeating: 0x61, count: 5000))
                try await Task.sleep(for: .milliseconds(200))
            }
            let answer = try await client.readResponse()
            #expect(answer.status == 408)
        }
    }

    @Test func clientKeysGroupAnIPv6NetworkAndUnmapIPv4() {
        #expect(ConnectionRegistry.clientKey(host: "192.0.2.7") == "192.0.2.7")
        #expect(ConnectionRegistry.clientKey(host: "2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(ConnectionRegistry.clientKey(host: "2001:db8:1:2:ffff::9") == ConnectionRegistry.clientKey(host: "2001:db8:1:2::1"))
        #expect(ConnectionRegistry.clientKey(host: "2001:db8:1:3::1") != ConnectionRegistry.clientKey(host: "2001:db8:1:2::1"))
        #expect(ConnectionRegistry.clientKey(host: "::ffff:192.0.2.7") == "192.0.2.7")
        #expect(ConnectionRegistry.clientKey(host: "::1") == "0:0:0:0::/64")
    }

    /// Unix-socket peers have no address: the per-client cap does not count them (a proxy on
    /// the socket carries every client).
    @Test func unixSocketPeersAreNotCountedPerClient() async throws {
        let path = temporarySocketPath()
        var configuration = HTTPServerConfiguration(address: .unix(path: path))
        configuration.maxConnectionsPerClient = 1
        let server = try HTTPServer(configuration: configuration, responder: testRouter())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var clients: [RawClient] = []
            defer { clients.forEach { $0.close() } }
            for _ in 0..<3 {
                let client = try await RawClient.connect(unixPath: path)
                try await client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
                clients.append(client)
            }
            server.shutdown()
            try await group.waitForAll()
        }
    }
}
