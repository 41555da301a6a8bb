import Foundation
import Testing
@testable import HTTP

@Suite struct HTTPServerTests {
    @Test func getAndPostRoundTrip() async throws {
        try await withServer { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            let health = try await client.readResponse()
            #expect(health.status == 200)
            #expect(health.text == "ok")
            #expect(health.header("Content-Length") == "2")
            #expect(health.header("Content-Type") == "text/plain")
            #expect(health.header("Connection") == nil)

            try await client.send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world")
            let echo = try await client.readResponse()
            #expect(echo.status == 200)
            #expect(echo.text == "hello world")
            #expect(echo.header("X-Request-Id")?.count == 16)
            #expect(echo.header("X-Peer")?.hasPrefix("127.0.0.1:") == true)
        }
    }

    @Test func keepAliveAndPipeliningKeepOrder() async throws {
        try await withServer { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            // Two requests in one write; a chunked POST in between; answers in order.
            try await client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n0\r\n\r\n"
                + "POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\ntwo")
            let first = try await client.readResponse()
            let second = try await client.readResponse()
            let third = try await client.readResponse()
            #expect(first.text == "ok")
            #expect(second.text == "one")
            #expect(third.text == "two")
            #expect(second.header("X-Request-Id") != third.header("X-Request-Id"))
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withServer { server in
            for request in ["GET /v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                            "GET /v1/health HTTP/1.0\r\n\r\n",
                            "GET /close HTTP/1.1\r\nHost: t\r\n\r\n"] {
                let client = try await RawClient.connect(port: try port(server))
                defer { client.close() }
                // A second request after the first must not be answered.
                try await client.send(request + "GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200, "\(request)")
                #expect(response.header("Connection") == "close", "\(request)")
                let rest = await client.readToEnd()
                #expect(rest.bytes.isEmpty && rest.cleanEOF, "\(request)")
            }
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("GET /v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await client.readResponse().header("Connection") == "keep-alive")
        }
    }

    @Test func expectContinueGetsAnInterimResponse() async throws {
        try await withServer { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            let interim = try await client.readResponse()
            #expect(interim.status == 100)
            try await client.send("body")
            let final = try await client.readResponse()
            #expect(final.status == 200 && final.text == "body")
        }
    }

    @Test func plainErrorsBecomeOpaque500sAndAreLogged() async throws {
        let log = LogRecorder()
        try await withServer(log: log) { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 500)
            #expect(response.text == #"{"error":{"code":"internal","message":"internal error","retry":"backoff"}}"#)
            #expect(!response.text.contains("hunter2"))
            #expect(response.header("Content-Type") == "application/json")
            // The connection survives a handler error.
            try await client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
        }
        // Logged as an error with the request id, path and the error's type; its text (which
        // might quote what the request carried) stays out of the log too.
        let failure = try #require(log.lines.first { $0.hasPrefix("<3>request failed ") })
        let fields = failure.split(separator: " ")
        #expect(fields.contains("path=/boom") && fields.contains("method=GET") && fields.contains("error=SecretFailure"))
        let requestID = try #require(fields.first { $0.hasPrefix("request_id=") }).dropFirst("request_id=".count)
        #expect(requestID.count == 16 && requestID.allSatisfy(\.isHexDigit))
        #expect(!log.lines.contains { $0.contains("hunter2") })
    }

    @Test func responseErrorsChooseStatusHeadersAndBody() async throws {
        try await withServer { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("GET /teapot HTTP/1.1\r\nHost: t\r\n\r\n")
            let teapot = try await client.readResponse()
            #expect(teapot.status == 418)
            #expect(teapot.text == "I'm a teapot")
            #expect(teapot.header("X-Teapot") == "yes")
            #expect(teapot.header("Content-Type") == "text/plain")

            try await client.send("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\nDELETE /v1/echo HTTP/1.1\r\nHost: t\r\n\r\n")
            let missing = try await client.readResponse()
            #expect(missing.status == 404)
            #expect(missing.text.contains(#""code":"not_found""#))
            let wrongMethod = try await client.readResponse()
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "POST")
        }
    }

    @Test func malformedRequestsGetAnErrorAndAClose() async throws {
        try await withServer(configure: { $0.limits.maxBodyBytes = 1024 }) { server in
            let cases: [(String, Int, String)] = [
                ("GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400, "whitespace_before_colon"),
                ("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 413, "body_too_large"),
                ("GET / HTTP/2.0\r\n\r\n", 505, "unsupported_version"),
            ]
            for (request, status, code) in cases {
                let client = try await RawClient.connect(port: try port(server))
                defer { client.close() }
                try await client.send(request)
                let response = try await client.readResponse()
                #expect(response.status == status)
                #expect(response.text.contains(#""code":"\#(code)""#))
                #expect(response.text.contains(#""retry":"stop""#))
                #expect(response.header("Connection") == "close")
                #expect(await client.readToEnd().cleanEOF)
            }
        }
    }

    @Test func largeResponsesSurviveSlowReadersAndVanishingOnes() async throws {
        try await withServer { server in
            // A reader that goes away mid-response: the server gets EPIPE/ECONNRESET, not SIGPIPE.
            let quitter = try await RawClient.connect(port: try port(server))
            try await quitter.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            quitter.close()
            // A reader that waits before reading: the server meets EAGAIN and partial writes.
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .milliseconds(200))
            let response = try await client.readResponse()
            #expect(response.body.count == 4 << 20)
            #expect(response.body.allSatisfy { $0 == 0x61 })
        }
    }

    @Test func idleKeepAliveConnectionsAreClosedQuietly() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(300) }) { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            let clock = ContinuousClock()
            let start = clock.now
            let rest = await client.readToEnd()
            #expect(rest.bytes.isEmpty && rest.cleanEOF)
            #expect(clock.now - start < .seconds(2))
        }
    }
}

extension HTTPServerTests {
    @Test func stalledBodiesTimeOut() async throws {
        try await withServer(configure: { $0.bodyTimeout = .milliseconds(300) }) { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
            let response = try await client.readResponse()
            #expect(response.status == 408)
            #expect(response.text.contains(#""retry":"retry""#))
            #expect(await client.readToEnd().cleanEOF)
        }
    }

    @Test func headRequestsGetHeadersOnly() async throws {
        try await withServer { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("HEAD /v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let raw = String(decoding: await client.readToEnd().bytes, as: UTF8.self)
            #expect(raw.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(raw.contains("Content-Length: 2\r\n"))
            #expect(raw.hasSuffix("\r\n\r\n"))
        }
    }
}
