import Foundation
import Glibc
import Testing
@testable import HTTP

@Suite struct HTTPServerLifecycleTests {
    @Test func slowlorisIsCutOffByTheHeaderTimeout() async throws {
        try await withServer(configure: { $0.headerTimeout = .seconds(1) }) { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            let clock = ContinuousClock()
            let start = clock.now
            // One header byte every 200 ms, for up to 4 s: the server must not wait that long.
            let trickler = Task {
                for byte in Array("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: \(String(repeating: "z", count: 40))".utf8) {
                    do {
                        try await client.send([byte])
                        try await Task.sleep(for: .milliseconds(200))
                    } catch {
                        return  // the server closed the connection: the point of the test
                    }
                }
            }
            let answer = await client.readToEnd()
            let elapsed = clock.now - start
            trickler.cancel()
            _ = await trickler.value
            #expect(elapsed >= .milliseconds(900))
            #expect(elapsed < .seconds(2))
            #expect(String(decoding: answer.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        }
    }

    /// Over `maxConnections`, or over `maxConnectionsPerClient` from 127.0.0.1: the third
    /// connection is answered 503 and closed; once one closes, a new one is served again.
    @Test(arguments: [false, true]) func connectionsBeyondTheCapGet503(perClient: Bool) async throws {
        try await withServer(configure: { if perClient { $0.maxConnectionsPerClient = 2 } else { $0.maxConnections = 2 } }) { server in
            var held = try await openServedConnections(2, port: try port(server))
            defer { held.forEach { $0.close() } }
            let third = try await RawClient.connect(port: try port(server))
            defer { third.close() }
            try await third.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            let refused = try await third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.header("Connection") == "close")
            #expect(refused.text.contains(#""retry":"backoff""#))
            #expect(refused.text.contains("your address") == perClient)
            #expect(await third.readToEnd().cleanEOF)

            // Freeing a slot lets the next connection in (once the server saw the close).
            held.removeFirst().close()
            #expect(try await statusOnceASlotIsFree(port: try port(server)) == 200)
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequestsAndRefusesNewOnes() async throws {
        let started = Signal()
        var configuration = HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0))
        configuration.shutdownGracePeriod = .seconds(5)
        let server = try HTTPServer(configuration: configuration, responder: testRouter(slowStarted: started))
        let serverPort = try port(server)
        let running = Task { try await server.run() }

        let idle = try await RawClient.connect(port: serverPort)
        defer { idle.close() }
        try await idle.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await idle.readResponse().status == 200)

        let busy = try await RawClient.connect(port: serverPort)
        defer { busy.close() }
        try await busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        await started.wait()
        let clock = ContinuousClock()
        let start = clock.now
        server.shutdown()

        // The idle keep-alive connection is closed without a response.
        let idleRest = await idle.readToEnd()
        #expect(idleRest.bytes.isEmpty && idleRest.cleanEOF)
        // The in-flight request completes, told that the connection closes.
        let slow = try await busy.readResponse()
        #expect(slow.status == 200 && slow.text == "slow done")
        #expect(slow.header("Connection") == "close")
        try await running.value
        #expect(clock.now - start < .seconds(2))
        #expect(await RawClient.connectErrno(port: serverPort) == ECONNREFUSED)
        await #expect(throws: HTTPServerError.self) { try await server.run() }
    }

    @Test func theGracePeriodBoundsShutdown() async throws {
        let started = Signal()
        var configuration = HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0))
        configuration.shutdownGracePeriod = .milliseconds(200)
        let log = LogRecorder()
        let server = try HTTPServer(configuration: configuration,
                                    responder: testRouter(slowStarted: started, slowDelay: .seconds(30)),
                                    log: log.logger)
        let running = Task { try await server.run() }
        let client = try await RawClient.connect(port: try port(server))
        defer { client.close() }
        try await client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        await started.wait()
        let clock = ContinuousClock()
        let start = clock.now
        server.shutdown()
        try await running.value
        #expect(clock.now - start < .seconds(2))
        #expect(log.lines.contains { $0.hasPrefix("<4>shutdown grace period ended; closing connections connections=") })
        let rest = await client.readToEnd()
        #expect(!String(decoding: rest.bytes, as: UTF8.self).contains("slow done"))
    }

    @Test func cancellingRunStopsTheServer() async throws {
        let server = try HTTPServer(configuration: HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0)),
                                    responder: testRouter())
        let serverPort = try port(server)
        let running = Task { try await server.run() }
        let client = try await RawClient.connect(port: serverPort)
        defer { client.close() }
        try await client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        running.cancel()
        try await running.value
        #expect(await client.readToEnd().cleanEOF)
        #expect(await RawClient.connectErrno(port: serverPort) == ECONNREFUSED)
    }

    @Test func unixSocketRoundTripReplacesAStaleSocket() async throws {
        let path = temporarySocketPath()
        defer { unlink(path) }
        // A stale socket file left by a crashed server: bound, never listening, closed.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let staleAddress = try #require(SocketAddress(unixPath: path))
        #expect(staleAddress.withSockaddr { bind(stale, $0, $1) } == 0)
        close(stale)

        var configuration = HTTPServerConfiguration(address: .unix(path: path))
        configuration.unixSocketPermissions = 0o660
        let server = try HTTPServer(configuration: configuration, responder: testRouter())
        #expect(server.port == nil)
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)

        // A second server on the same live path is refused.
        #expect(throws: HTTPServerError.self) {
            try HTTPServer(configuration: configuration, responder: testRouter())
        }
        let running = Task { try await server.run() }
        let client = try await RawClient.connect(unixPath: path)
        defer { client.close() }
        try await client.send("POST /v1/echo HTTP/1.1\r\nHost: hub\r\nContent-Length: 4\r\n\r\nunix")
        let response = try await client.readResponse()
        #expect(response.text == "unix")
        #expect(response.header("X-Peer") == "unix")
        server.shutdown()
        try await running.value
        #expect(access(path, F_OK) == -1)
    }

    @Test func badAddressesAreReportedClearly() throws {
        let router = testRouter()
        let file = temporarySocketPath()
        #expect(FileManager.default.createFile(atPath: file, contents: Data("keep me".utf8)))
        defer { unlink(file) }
        let cases: [(HTTPServerConfiguration.Address, HTTPServerError.Code)] = [
            (.tcp(host: "hub.example.org", port: 80), .invalidAddress),
            (.tcp(host: "127.0.0.1", port: 70000), .invalidAddress),
            (.unix(path: "/tmp/" + String(repeating: "x", count: 200)), .invalidAddress),
            (.unix(path: file), .pathNotASocket),
        ]
        for (address, code) in cases {
            #expect { try HTTPServer(configuration: HTTPServerConfiguration(address: address), responder: router) }
                throws: { ($0 as? HTTPServerError)?.code == code }
        }
        #expect(FileManager.default.contents(atPath: file) == Data("keep me".utf8))

        let first = try HTTPServer(configuration: HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0)),
                                   responder: router)
        let taken = HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: try port(first)))
        #expect { try HTTPServer(configuration: taken, responder: router) }
            throws: { ($0 as? HTTPServerError)?.errno == EADDRINUSE }
    }
}
