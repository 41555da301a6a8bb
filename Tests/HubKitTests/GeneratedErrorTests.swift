import HTTP
@testable import HubKit
import JSON
import Synchronization
import SyncEngine
import SyncProtocol
import Testing
import Toolkit

/// Responses the HTTP server writes on its own (parse errors, 408, 413, 503) speak the sync
/// protocol like every other hub response: spec codes and retry advice, `FS-Protocol` and
/// `FS-Hub-Time`, the `WireError` envelope byte for byte.
@Suite struct GeneratedErrorTests {
    /// Status, code and retry for each case, and the envelope exactly as `WireError` writes it.
    @Test func everyCaseMapsToASpecErrorWithTheHubHeaders() throws {
        let responder = HubResponder.generatedErrorResponder(clock: { 1_763_900_000_123 })
        var cases: [(HTTPServerGeneratedError, status: Int, code: String, retry: String)] = [
            (.requestTimeout(.head), 408, "unavailable", "backoff"),
            (.requestTimeout(.body), 408, "unavailable", "backoff"),
            (.connectionLimit, 503, "unavailable", "backoff"),
            (.clientConnectionLimit, 503, "unavailable", "backoff"),
            (.bufferLimit, 503, "unavailable", "backoff"),
            (.responderFailed, 500, "internal", "backoff"),
            (.malformedRequest(HTTPParseError(.bodyTooLarge, "the body exceeds 1024 bytes")), 413, "too_large", "now"),
        ]
        for code in HTTPParseError.Code.allCases where code != .bodyTooLarge {
            cases.append((.malformedRequest(HTTPParseError(code, "fix \"it\"")), code.status, "malformed", "stop"))
        }
        for (error, status, code, retry) in cases {
            let response = responder(error)
            #expect(response.status == status, "\(error)")
            #expect(response.headers["FS-Protocol"] == "1" && response.headers["FS-Hub-Time"] == "1763900000123", "\(error)")
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.headers["Retry-After"] == (code == "unavailable" ? "5" : nil), "\(error)")
            let wire = try wireError(response.body)
            #expect(wire.code.rawValue == code && wire.retry.rawValue == retry, "\(error)")
            #expect(!wire.message.isEmpty)
        }
        // The parse error's own words reach the operator, so the bug can be found.
        let parse = try wireError(responder(.malformedRequest(HTTPParseError(.missingHost, "send a Host header"))).body)
        #expect(parse.message.contains("missing_host") && parse.message.contains("send a Host header"))
    }

    @Test func anOversizedPushGets413TooLargeWithTheHubTime() async throws {
        try await TestHub.with(configure: { $0.maxBodyBytes = 1024 }) { hub in
            let node = try TestNode()
            let before = try await hub.snapshot()
            let entity = EntityID.make(owner: node.id)
            let ops = [node.op(1, entity, .set(field: "narrative", value: .string(String(repeating: "x", count: 2000)), rank: 0, supersedes: []))]
            let reply = try await node.push(hub, ops)
            try expectSpecError(reply, status: 413, code: .tooLarge, hub: hub)
            #expect(reply.headers["connection"] == "close")

            // Chunked: the limit is hit mid-body, after the head was accepted.
            let chunk = String(repeating: "y", count: 800)
            let chunked = "POST /v1/push HTTP/1.1\r\nHost: hub\r\nFS-Protocol: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
            let midBody = try RawHTTP.parse(try await RawHTTP.exchange(port: hub.port, Array(chunked.utf8)))
            try expectSpecError(midBody, status: 413, code: .tooLarge, hub: hub)
            #expect(try await hub.snapshot() == before)
        }
    }

    @Test func aGarbageRequestLineGets400Malformed() async throws {
        try await TestHub.with { hub in
            for garbage in ["\u{1}\u{2}GARBAGE\r\n\r\n", "POST /v1/push HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"] {
                let reply = try RawHTTP.parse(try await RawHTTP.exchange(port: hub.port, Array(garbage.utf8)))
                try expectSpecError(reply, status: 400, code: .malformed, hub: hub)
            }
            let version = try RawHTTP.parse(try await RawHTTP.exchange(port: hub.port, Array("GET /v1/health HTTP/2.0\r\n\r\n".utf8)))
            try expectSpecError(version, status: 505, code: .malformed, hub: hub)
        }
    }

    @Test func connectionsOverTheCapGet503WithRetryAfter() async throws {
        try await TestHub.with(configure: { $0.maxConnections = 1 }) { hub in
            let refused = Mutex<HTTPReply?>(nil)
            // The first connection holds the only slot, half-way through its request line,
            // while a second one comes in.
            let held = try await RawHTTP.exchange(port: hub.port, Array("GET /v1/health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n".utf8),
                                                  splitAt: 5) {
                let reply = try? await hub.request("GET", "/v1/health")
                refused.withLock { $0 = reply }
            }
            #expect(try RawHTTP.parse(held).status == 200)
            let reply = try #require(refused.withLock { $0 })
            try expectSpecError(reply, status: 503, code: .unavailable, hub: hub)
            #expect(reply.headers["retry-after"] == "5")
        }
    }

    /// The hub's settings keep the HTTP timeouts at their defaults (10 s), so this test serves
    /// the hub's responder and hook on a server with short ones; the tests above prove that
    /// `HubServer` installs the same hook.
    @Test func aStalledRequestGets408WithBackoff() async throws {
        var configuration = HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0))
        configuration.headerTimeout = .milliseconds(300)
        configuration.bodyTimeout = .milliseconds(300)
        configuration.generatedErrorResponder = HubResponder.generatedErrorResponder(clock: { 1_763_900_000_000 })
        let responder = HubResponderTests.site(Router(), log: Logger(minimumLevel: .debug, sink: LogCapture().sink), clock: { 1 })
        let server = try HTTPServer(configuration: configuration, responder: responder)
        let port = try #require(server.port)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { server.shutdown() }
            let stalls = ["POST /v1/push HTTP/1.1\r\nHost: hub\r\nFS-Pro",
                          "POST /v1/push HTTP/1.1\r\nHost: hub\r\nContent-Length: 100\r\n\r\nonly these bytes"]
            for stall in stalls {
                let clock = ContinuousClock()
                let start = clock.now
                let reply = try RawHTTP.parse(try await RawHTTP.exchange(port: port, Array(stall.utf8)))
                #expect(clock.now - start < .seconds(3))
                #expect(reply.status == 408)
                #expect(reply.headers["fs-protocol"] == "1" && reply.headers["fs-hub-time"] == "1763900000000")
                let wire = try wireError(reply.body)
                #expect(wire.code == .unavailable && wire.retry == .backoff)
            }
            server.shutdown()
            try await group.waitForAll()
        }
    }

    /// The reply is `status` with the spec's `code`, the hub's headers, and a body that is
    /// exactly what `WireError.jsonBody()` writes for that code and message.
    private func expectSpecError(_ reply: HTTPReply, status: Int, code: WireError.Code, hub: TestHub,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(reply.status == status, sourceLocation: sourceLocation)
        #expect(reply.headers["fs-protocol"] == "1", sourceLocation: sourceLocation)
        #expect(reply.headers["fs-hub-time"] == String(hub.clock.now), sourceLocation: sourceLocation)
        #expect(reply.headers["content-type"] == "application/json", sourceLocation: sourceLocation)
        let wire = try wireError(reply.body)
        #expect(wire.code == code && wire.retry == code.retry, sourceLocation: sourceLocation)
    }

    /// Parses an error envelope and checks it is byte for byte `WireError.jsonBody()`.
    private func wireError(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> WireError {
        let error = try #require(try JSON.parse(body)["error"], sourceLocation: sourceLocation)
        let code = try #require(error["code"]?.stringValue.flatMap(WireError.Code.init(rawValue:)), sourceLocation: sourceLocation)
        let message = try #require(error["message"]?.stringValue, sourceLocation: sourceLocation)
        let wire = WireError(code, message)
        #expect(body == wire.jsonBody(), sourceLocation: sourceLocation)
        #expect(error["retry"]?.stringValue == wire.retry.rawValue, sourceLocation: sourceLocation)
        return wire
    }
}
