import HTTP
@testable import HubKit
import JSON
import Testing
import Toolkit

@Suite struct HubResponderTests {
    struct Secret: Error {
        let text = "SELECT narrative FROM secret"
    }

    @Test func unexpectedErrorsAreABare500LoggedWithTheRequestID() async throws {
        var router = Router()
        router.post("/v1/boom") { _, _ in throw Secret() }
        router.post("/v1/refuse") { _, _ in throw HubWireError(.rateLimited) }
        let log = LogCapture()
        let responder = HubResponder(router: router, log: Logger(minimumLevel: .debug, sink: log.sink), clock: { 42 })
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
}
