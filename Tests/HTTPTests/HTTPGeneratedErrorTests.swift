import Foundation
import Testing
@testable import HTTP

/// A `generatedErrorResponder` that records each call and answers with a marked response whose
/// framing headers are wrong on purpose (the server must replace them).
final class HookRecorder: @unchecked Sendable {  // `calls` is guarded by `lock`
    private let lock = NSLock()
    private var calls: [HTTPServerGeneratedError] = []

    var seen: [HTTPServerGeneratedError] { lock.withLock { calls } }

    var responder: HTTPGeneratedErrorResponder {
        { error in
            self.lock.withLock { self.calls.append(error) }
            return HTTPResponse(status: error.status, headers: [
                "X-Hooked": error.description, "Content-Type": "text/plain",
                "Content-Length": "999", "Connection": "keep-alive",
            ], body: Array("hooked \(error.description)".utf8))
        }
    }
}

@Suite struct HTTPGeneratedErrorTests {
    /// The default is byte for byte what the server wrote before the hook existed.
    @Test func defaultResponsesKeepTheEarlierBehaviour() throws {
        let timeout = HTTPServerGeneratedError.requestTimeout(.body).defaultResponse
        #expect(timeout.status == 408)
        #expect(timeout.headers["Content-Type"] == "application/json")
        #expect(String(decoding: timeout.body, as: UTF8.self)
            == #"{"error":{"code":"timeout","message":"the request did not arrive in time; send it promptly","retry":"retry"}}"#)
        #expect(HTTPServerGeneratedError.requestTimeout(.head).defaultResponse == timeout)

        let cap = HTTPServerGeneratedError.connectionLimit.defaultResponse
        #expect(cap.status == 503)
        #expect(cap.headers["Retry-After"] == "1")
        #expect(String(decoding: cap.body, as: UTF8.self)
            == #"{"error":{"code":"overloaded","message":"the server has too many connections; retry later","retry":"backoff"}}"#)

        for (error, message) in [(HTTPServerGeneratedError.clientConnectionLimit, "too many connections from your address; retry later"),
                                 (.bufferLimit, "the server holds too many request bytes; retry later")] {
            let response = error.defaultResponse
            #expect(response.status == 503 && error.status == 503)
            #expect(response.headers["Retry-After"] == "1")
            #expect(String(decoding: response.body, as: UTF8.self)
                == #"{"error":{"code":"overloaded","message":"\#(message)","retry":"backoff"}}"#)
        }

        let failed = HTTPServerGeneratedError.responderFailed.defaultResponse
        #expect(failed.status == 500)
        #expect(failed.body == HTTPErrorEnvelope.internalError)

        for code in HTTPParseError.Code.allCases {
            let error = HTTPParseError(code, "fix \"this\"")
            let response = HTTPServerGeneratedError.malformedRequest(error).defaultResponse
            #expect(response.status == code.status)
            #expect(HTTPServerGeneratedError.malformedRequest(error).status == code.status)
            #expect(String(decoding: response.body, as: UTF8.self)
                == #"{"error":{"code":"\#(code.rawValue)","message":"fix \"this\"","retry":"stop"}}"#)
        }
        #expect(HTTPServerConfiguration(address: .unix(path: "/x")).generatedErrorResponder(.connectionLimit) == cap)
    }

    @Test func descriptionsNameTheCase() {
        #expect(HTTPServerGeneratedError.malformedRequest(HTTPParseError(.bodyTooLarge, "x")).description == "malformed_request:body_too_large")
        #expect(HTTPServerGeneratedError.requestTimeout(.head).description == "request_timeout:head")
        #expect(HTTPServerGeneratedError.connectionLimit.description == "connection_limit")
        #expect(HTTPServerGeneratedError.clientConnectionLimit.description == "client_connection_limit")
        #expect(HTTPServerGeneratedError.bufferLimit.description == "buffer_limit")
        #expect(HTTPServerGeneratedError.responderFailed.description == "responder_failed")
    }

    @Test func malformedRequestsGoThroughTheHook() async throws {
        let hook = HookRecorder()
        try await withServer(configure: { $0.limits.maxBodyBytes = 64; $0.generatedErrorResponder = hook.responder }) { server in
            let cases: [(String, HTTPParseError.Code)] = [
                ("BAD\r\n\r\n", .invalidRequestLine),
                ("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 65\r\n\r\n", .bodyTooLarge),
                ("GET / HTTP/2.0\r\n\r\n", .unsupportedVersion),
            ]
            for (request, code) in cases {
                let response = try await exchangeAndClose(try port(server), request)
                #expect(response.status == code.status)
                #expect(response.header("X-Hooked") == "malformed_request:\(code.rawValue)")
                #expect(response.text == "hooked malformed_request:\(code.rawValue)")
            }
            #expect(hook.seen.map(\.description) == cases.map { "malformed_request:\($0.1.rawValue)" })
            #expect(hook.seen.map(\.status) == [400, 413, 505])
        }
    }

    @Test func timeoutsGoThroughTheHook() async throws {
        let hook = HookRecorder()
        try await withServer(configure: {
            $0.headerTimeout = .milliseconds(300)
            $0.bodyTimeout = .milliseconds(300)
            $0.generatedErrorResponder = hook.responder
        }) { server in
            let head = try await exchangeAndClose(try port(server), "GET /v1/health HTTP/1.1\r\nHo")
            #expect(head.status == 408)
            #expect(head.header("X-Hooked") == "request_timeout:head")
            let body = try await exchangeAndClose(try port(server), "POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
            #expect(body.status == 408)
            #expect(body.header("X-Hooked") == "request_timeout:body")
            #expect(hook.seen == [.requestTimeout(.head), .requestTimeout(.body)])
        }
    }

    @Test func theCapGoesThroughTheHook() async throws {
        let hook = HookRecorder()
        try await withServer(configure: { $0.maxConnections = 1; $0.generatedErrorResponder = hook.responder }) { server in
            let held = try await RawClient.connect(port: try port(server))
            defer { held.close() }
            try await held.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await held.readResponse().status == 200)
            let refused = try await exchangeAndClose(try port(server), "GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(refused.status == 503)
            #expect(refused.header("X-Hooked") == "connection_limit")
            #expect(refused.header("Retry-After") == nil)  // the hook's response, not the default's
            #expect(hook.seen == [.connectionLimit])
        }
    }

    /// A 500 follows keep-alive like any response; errors the responder chooses itself and
    /// successes never reach the hook.
    @Test func responderFailuresGoThroughTheHookAndKeepTheConnection() async throws {
        let hook = HookRecorder()
        try await withServer(configure: { $0.generatedErrorResponder = hook.responder }) { server in
            let client = try await RawClient.connect(port: try port(server))
            defer { client.close() }
            try await client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\nGET /teapot HTTP/1.1\r\nHost: t\r\n\r\nGET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            let failed = try await client.readResponse()
            #expect(failed.status == 500)
            #expect(failed.text == "hooked responder_failed")
            #expect(!failed.text.contains("hunter2"))
            #expect(failed.header("Connection") == nil)
            #expect(try await client.readResponse().status == 418)
            #expect(try await client.readResponse().status == 200)
            #expect(hook.seen == [.responderFailed])
        }
    }

    /// Sends `request`, reads one response, checks the server framed and closed it, then
    /// returns it.
    private func exchangeAndClose(_ port: Int, _ request: String) async throws -> RawResponse {
        let client = try await RawClient.connect(port: port)
        defer { client.close() }
        try await client.send(request)
        let response = try await client.readResponse()
        #expect(response.header("Connection") == "close")
        #expect(response.header("Content-Length") == String(response.body.count))
        #expect(response.headers.filter { $0.0.lowercased() == "content-length" || $0.0.lowercased() == "connection" }.count == 2)
        #expect(await client.readToEnd().cleanEOF)
        return response
    }
}
