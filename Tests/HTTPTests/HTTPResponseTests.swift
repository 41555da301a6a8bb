import Testing
@testable import HTTP

@Suite struct HTTPResponseTests {
    func wire(_ response: HTTPResponse, keepAlive: Bool = true, peer: HTTPVersion = .http1_1,
              head: Bool = false) -> String {
        String(decoding: response.serialize(keepAlive: keepAlive, peerVersion: peer, isHeadRequest: head).bytes,
               as: UTF8.self)
    }

    @Test func serializesStatusLineHeadersLengthAndBody() {
        let response = HTTPResponse(status: 201, headers: ["X-A": "1", "Content-Length": "999", "Connection": "keep-alive",
                                                           "Transfer-Encoding": "chunked"],
                                    body: Array("hi".utf8))
        #expect(wire(response) == "HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi")
        #expect(wire(response, keepAlive: false) == "HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
        #expect(wire(response, peer: .http1_0).contains("Connection: keep-alive\r\n"))
        #expect(wire(HTTPResponse(status: 200)).contains("Content-Length: 0\r\n"))
        #expect(wire(HTTPResponse(status: 799)).hasPrefix("HTTP/1.1 799 \r\n"))
    }

    @Test func headResponsesKeepTheLengthButNotTheBody() {
        let text = wire(HTTPResponse(status: 200, body: Array("hello".utf8)), head: true)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
    }

    @Test func noContentAndNotModifiedCarryNoBodyOrLength() {
        for status in [204, 304] {
            let text = wire(HTTPResponse(status: status, body: Array("x".utf8)))
            #expect(!text.contains("Content-Length"))
            #expect(text.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func headerInjectionIsDropped() {
        let response = HTTPResponse(status: 200, headers: ["X-Evil": "a\r\nSet-Cookie: b", "Bad Name": "v", "X-Ok": "fine"])
        let serialized = response.serialize(keepAlive: true)
        let text = String(decoding: serialized.bytes, as: UTF8.self)
        #expect(!text.contains("Set-Cookie"))
        #expect(!text.contains("Bad Name"))
        #expect(text.contains("X-Ok: fine\r\n"))
        #expect(serialized.droppedHeaderNames == ["X-Evil", "Bad Name"])
    }

    @Test func reasonPhrases() {
        #expect(HTTPStatus.reasonPhrase(431) == "Request Header Fields Too Large")
        #expect(HTTPStatus.reasonPhrase(503) == "Service Unavailable")
        #expect(HTTPStatus.reasonPhrase(100) == "Continue")
        #expect(HTTPStatus.reasonPhrase(299).isEmpty)
    }

    @Test func errorEnvelopeEscapesAndDefaults() throws {
        let body = HTTPErrorEnvelope.json(code: "bad", message: "quote \" slash \\ line\n ctl \u{1}", retry: .stop)
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"error":{"code":"bad","message":"quote \" slash \\ line\n ctl \u0001","retry":"stop"}}"#)
        struct Minimal: HTTPResponseError {
            var status: Int { 429 }
            var publicMessage: String { "slow down" }
        }
        let response = Minimal().response()
        #expect(response.status == 429)
        #expect(response.headers["content-type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"error":{"code":"rate_limited","message":"slow down","retry":"backoff"}}"#)
        #expect(HTTPRetryAdvice(forStatus: 408) == .retry)
        #expect(HTTPRetryAdvice(forStatus: 422) == .stop)
    }

    @Test func headersAreCaseInsensitiveAndOrdered() {
        var headers: HTTPHeaders = ["Accept": "a", "X-Many": "1"]
        headers.add(name: "x-many", value: "2")
        #expect(headers["ACCEPT"] == "a")
        #expect(headers.values(for: "X-MANY") == ["1", "2"])
        headers.set(name: "X-MANY", value: "3")
        #expect(headers.values(for: "x-many") == ["3"])
        #expect(headers.fields.map(\.name) == ["Accept", "X-MANY"])
        headers.add(name: "Connection", value: "Upgrade, CLOSE")
        #expect(headers.containsToken("close", in: "connection"))
        #expect(!headers.containsToken("keep-alive", in: "connection"))
        headers.remove(name: "accept")
        #expect(!headers.contains("Accept"))
    }

    @Test func routerMatchesMethodAndExactPath() async throws {
        var router = Router()
        router.get("/v1/health") { _, _ in HTTPResponse(status: 200, body: Array("up".utf8)) }
        router.post("/v1/push") { request, _ in HTTPResponse(status: 202, body: request.body) }
        router.on("PUT", "/v1/push") { _, _ in HTTPResponse(status: 204) }
        let context = RequestContext(requestID: RequestContext.makeRequestID(), peer: .unix, connectionID: 1)
        // A miss is thrown (`RouteMiss`); this is the response the server writes for it.
        func call(_ method: String, _ target: String) async throws -> HTTPResponse {
            do {
                return try await router.respond(to: HTTPRequest(method: method, target: target, body: Array("b".utf8)), context: context)
            } catch let miss as RouteMiss {
                return miss.response()
            }
        }
        #expect(try await call("GET", "/v1/health?verbose=1").body == Array("up".utf8))
        #expect(try await call("HEAD", "/v1/health").status == 200)
        #expect(try await call("POST", "/v1/push").status == 202)
        #expect(try await call("PUT", "/v1/push").status == 204)
        #expect(try await call("GET", "/v1/health/").status == 404)
        #expect(try await call("GET", "/V1/HEALTH").status == 404)
        let notAllowed = try await call("DELETE", "/v1/push")
        #expect(notAllowed.status == 405)
        #expect(notAllowed.headers["Allow"] == "POST, PUT")
        #expect(try await call("POST", "/v1/health").headers["Allow"] == "GET, HEAD")
    }

    @Test func requestIDsAreSixteenHexDigitsAndDistinct() {
        let ids = (0..<100).map { _ in RequestContext.makeRequestID() }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
    }
}
