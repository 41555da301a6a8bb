import HTTP
@testable import HubKit
import JSON
import SyncEngine
import Testing
import Toolkit

@Suite struct HubResponderTests {
    struct Secret: Error {
        let text = "SELECT narrative FROM secret"
    }

    /// `v1` mounted at `/v1` with the protocol's middleware, as `HubResponder.site` mounts the
    /// endpoints.
    static func site(_ v1: Router, log: Logger, clock: @escaping @Sendable () -> UInt64) -> Router {
        var site = Router()
        site.mount("/v1", v1, middleware: [HubProtocolMiddleware(log: log, clock: clock)])
        return site
    }

    @Test func unexpectedErrorsAreABare500LoggedWithTheRequestID() async throws {
        var router = Router()
        router.post("/boom") { _, _ in throw Secret() }
        router.post("/refuse") { _, _ in throw HubWireError(.rateLimited) }
        let log = LogCapture()
        let responder = Self.site(router, log: Logger(minimumLevel: .debug, sink: log.sink), clock: { 42 })
        let context = RequestContext(requestID: "00000000000000ab", peer: .unix, connectionID: 1)

        let boom = try await responder.respond(to: HTTPRequest(method: "POST", target: "/v1/boom"), context: context)
        #expect(boom.status == 500)
        #expect(boom.headers["FS-Protocol"] == "1" && boom.headers["FS-Hub-Time"] == "42")
        let body = try JSON.parse(boom.body)
        #expect(body["error"]?["code"] == "internal" && body["error"]?["retry"] == "backoff")
        #expect(!String(decoding: boom.body, as: UTF8.self).contains("SELECT"))
        #expect(log.lines == ["<3>request failed error=Secret path=/v1/boom request_id=00000000000000ab"])

        let refused = try await responder.respond(to: HTTPRequest(method: "POST", target: "/v1/refuse"), context: context)
        #expect(refused.status == 429 && refused.headers["Retry-After"] == "5" && refused.headers["FS-Hub-Time"] == "42")
        #expect(try JSON.parse(refused.body)["error"]?["retry"] == "backoff")
    }

    /// The case: an HTML route mounted beside `/v1` of the hub's real site answers its
    /// own errors (an HTML 404, 405 and 500, no `FS-*` header, no gzip), while `/v1` keeps the
    /// spec's envelope and headers, and a path under no mount gets the HTTP module's plain 404.
    /// Served over loopback with the hub's hook for the server's own errors, as `HubServer` does.
    @Test func aPageMountedBesideV1GetsItsOwnErrors() async throws {
        let directory = temporaryDirectory("site")
        let clock = TestClock()
        let log = LogCapture()
        let logger = Logger(minimumLevel: .debug, sink: log.sink)
        let endpoints = try await offThread {
            let store = try HubStore.create(dataDirectory: directory + "/data", mission: "MINUSCA",
                                            options: HubStore.options(wallClock: clock.read))
            return try HubEndpoints(store: store, settings: HubSettings(), log: logger, clock: clock.read)
        }
        var pages = Router()
        pages.get("/health") { _, _ in HTTPResponse(status: 200, contentType: "text/html", body: "<p>ok</p>") }
        pages.get("/big") { _, _ in HTTPResponse(status: 200, contentType: "text/html", body: String(repeating: "<p>row</p>", count: 200)) }
        pages.get("/boom") { _, _ in throw Secret() }
        var site = HubResponder.site(endpoints)
        site.mount("/ui", pages, middleware: [HTMLErrorMiddleware(log: logger)])  // the one registration line

        var configuration = HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0))
        configuration.generatedErrorResponder = HubResponder.generatedErrorResponder(clock: clock.read, epoch: endpoints.identity.epoch)
        let server = try HTTPServer(configuration: configuration, responder: site, log: logger)
        let port = try #require(server.port)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { server.shutdown() }
            func get(_ path: String, method: String = "GET") async throws -> HTTPReply {
                try await RawHTTP.request(port: port, method: method, path: path, headers: [("Accept-Encoding", "gzip")])
            }
            func expectNoProtocolHeaders(_ reply: HTTPReply, _ path: String) {
                #expect(reply.headers.keys.allSatisfy { !$0.hasPrefix("fs-") }, "\(path): \(reply.headers)")
            }

            let page = try await get("/ui/health")
            #expect(page.status == 200 && page.headers["content-type"] == "text/html" && String(decoding: page.body, as: UTF8.self) == "<p>ok</p>")
            expectNoProtocolHeaders(page, "/ui/health")
            let big = try await get("/ui/big")
            #expect(big.status == 200 && big.headers["content-encoding"] == nil && big.body.count == 2000)

            let missing = try await get("/ui/nope")
            #expect(missing.status == 404 && missing.headers["content-type"] == "text/html; charset=utf-8")
            #expect(String(decoding: missing.body, as: UTF8.self).contains("<h1>404 Not Found</h1>") && missing.json == nil)
            expectNoProtocolHeaders(missing, "/ui/nope")
            let wrongMethod = try await get("/ui/health", method: "POST")
            #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "GET, HEAD" && wrongMethod.json == nil)
            expectNoProtocolHeaders(wrongMethod, "POST /ui/health")
            let boom = try await get("/ui/boom")
            #expect(boom.status == 500 && boom.headers["content-type"] == "text/html; charset=utf-8")
            #expect(!String(decoding: boom.body, as: UTF8.self).contains("SELECT"))
            expectNoProtocolHeaders(boom, "/ui/boom")

            let epoch = endpoints.identity.epoch
            let v1Missing = try await get("/v1/nope")
            #expect(v1Missing.status == 404 && v1Missing.errorCode == "not_found" && v1Missing.retry == "stop")
            #expect(v1Missing.headers["content-type"] == "application/json" && v1Missing.headers["fs-protocol"] == "1")
            #expect(v1Missing.headers["fs-hub-time"] == String(clock.now) && v1Missing.headers["fs-hub-epoch"] == epoch)
            let v1WrongMethod = try await get("/v1/push")
            #expect(v1WrongMethod.status == 405 && v1WrongMethod.errorCode == "method_not_allowed" && v1WrongMethod.headers["allow"] == "POST")
            #expect(v1WrongMethod.headers["fs-hub-epoch"] == epoch)
            let health = try await get("/v1/health")
            #expect(health.status == 200 && health.headers["fs-protocol"] == "1" && health.headers["fs-hub-epoch"] == epoch)

            let elsewhere = try await get("/nope")
            #expect(elsewhere.status == 404 && elsewhere.errorCode == "not_found" && elsewhere.headers["content-type"] == "application/json")
            expectNoProtocolHeaders(elsewhere, "/nope")
            server.shutdown()
            try await group.waitForAll()
        }
        #expect(log.lines.contains { $0.hasPrefix("<3>request failed error=Secret path=/ui/boom request_id=") })
        #expect(!log.lines.contains { $0.contains("SELECT") })
    }
}
