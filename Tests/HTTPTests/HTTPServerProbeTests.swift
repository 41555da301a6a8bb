import Foundation
@testable import HTTP
import Testing

/// `HTTPServer.probe`, the watchdog's proof that the server answers.
@Suite struct HTTPServerProbeTests {
    @Test func aServingServerAnswersTheProbeOnTCPAndUnixSockets() async throws {
        try await withServer { server in
            #expect(await server.probe(timeout: .seconds(2)) == nil)
        }
        try await withServer(configure: { $0.address = .tcp(host: "0.0.0.0", port: 0) }) { server in
            #expect(await server.probe(timeout: .seconds(2)) == nil, "a wildcard listener is probed on the loopback")
        }
        let path = temporarySocketPath()
        try await withServer(configure: { $0.address = .unix(path: path) }) { server in
            #expect(await server.probe(timeout: .seconds(2)) == nil)
        }
    }

    @Test func anyHTTPAnswerCountsAsAlive() async throws {
        try await withServer { server in
            #expect(await server.probe(path: "/no-such-page", timeout: .seconds(2)) == nil)
        }
    }

    @Test func aServerWhoseAcceptLoopDoesNotRunFailsTheProbe() async throws {
        // Bound and listening, so the kernel completes the connection, but nothing accepts it:
        // what a hung accept loop looks like from outside.
        let server = try HTTPServer(configuration: HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0)),
                                    responder: testRouter())
        let started = ContinuousClock.now
        #expect(await server.probe(timeout: .milliseconds(200)) == "no response within the deadline")
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func aStoppedServerFailsTheProbe() async throws {
        var stopped: HTTPServer?
        try await withServer { server in stopped = server }
        let server = try #require(stopped)
        let reason = await server.probe(timeout: .milliseconds(200))
        #expect(reason?.contains("failed with ECONNREFUSED") == true, "\(reason ?? "alive")")
    }
}
