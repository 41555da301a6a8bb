import Testing
@testable import HTTP
import Toolkit

/// The router in-process: parameters and their decoding, precedence, mounts, middleware and
/// each mount's own 404/405.
@Suite struct RouterTests {
    let context = RequestContext(requestID: "00000000000000aa", peer: .unix, connectionID: 1)

    func call(_ router: Router, _ method: String, _ target: String) async throws -> HTTPResponse {
        try await router.respond(to: HTTPRequest(method: method, target: target), context: context)
    }

    /// The response a router answers, or the error response a throw stands for (as the server
    /// writes it).
    func answer(_ router: Router, _ method: String, _ target: String) async -> HTTPResponse {
        do {
            return try await call(router, method, target)
        } catch let error as any HTTPResponseError {
            return error.response()
        } catch {
            return HTTPResponse(status: 599)
        }
    }

    /// A handler answering with its parameters, `name=value` joined by `&`.
    static let echoParameters: Router.Handler = { _, context in
        HTTPResponse(status: 200, contentType: "text/plain",
                     body: context.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))
    }

    @Test func parametersCaptureOneSegmentEach() async throws {
        var router = Router()
        router.get("/v1/reports/:id", use: Self.echoParameters)
        router.get("/v1/reports/:id/notes/:note", use: Self.echoParameters)
        #expect(try await call(router, "GET", "/v1/reports/R-7").text == "id=R-7")
        #expect(try await call(router, "GET", "/v1/reports/R-7?full=1").text == "id=R-7")
        #expect(try await call(router, "GET", "/v1/reports/R-7/notes/3").text == "id=R-7&note=3")
        #expect(try await call(router, "HEAD", "/v1/reports/R-7").status == 200)
        // One segment, never empty, never two.
        for target in ["/v1/reports/", "/v1/reports", "/v1/reports/R-7/", "/v1/reports/a/b", "/v1/reports//notes/3"] {
            #expect(await answer(router, "GET", target).status == 404, "\(target)")
        }
    }

    @Test func parametersArePercentDecodedAndLiteralsAreNot() async throws {
        var router = Router()
        router.get("/v1/health") { _, _ in HTTPResponse(status: 200) }
        router.get("/files/:name", use: Self.echoParameters)
        #expect(try await call(router, "GET", "/files/a%20b").text == "name=a b")
        #expect(try await call(router, "GET", "/files/a%2Fb").text == "name=a/b")
        #expect(try await call(router, "GET", "/files/a+b").text == "name=a+b")
        #expect(try await call(router, "GET", "/files/%C3%A9t%C3%A9").text == "name=été")
        #expect(try await call(router, "GET", "/files/%e2%82%ac").text == "name=€")
        // A bad escape, bytes that are not UTF-8, a control character: no match.
        for target in ["/files/a%2", "/files/a%zz", "/files/%", "/files/%C3", "/files/%FF", "/files/a%0Ab", "/files/%00", "/files/%7F"] {
            #expect(await answer(router, "GET", target).status == 404, "\(target)")
        }
        // Literal segments match as sent: one spelling per route.
        #expect(await answer(router, "GET", "/v1/%68ealth").status == 404)
        #expect(await answer(router, "GET", "/%66iles/x").status == 404)
    }

    @Test func literalsBeatParametersAndExactRoutesComeFirst() async throws {
        var router = Router()
        router.get("/r/:id") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "by id") }
        router.get("/r/:id/:part") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "any part") }
        router.get("/r/:id/notes") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "notes") }
        router.get("/r/new") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "new") }
        router.get("/r/latest/:part") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "latest part") }
        #expect(try await call(router, "GET", "/r/new").text == "new")
        #expect(try await call(router, "GET", "/r/7").text == "by id")
        #expect(try await call(router, "GET", "/r/7/notes").text == "notes")
        #expect(try await call(router, "GET", "/r/7/photos").text == "any part")
        #expect(try await call(router, "GET", "/r/latest/notes").text == "latest part")
    }

    @Test func aPathWithRoutesForOtherMethodsIs405ListingThemAll() async throws {
        var router = Router()
        router.get("/r/new") { _, _ in HTTPResponse(status: 200) }
        router.on("DELETE", "/r/:id") { _, _ in HTTPResponse(status: 204) }
        router.post("/r/:id") { _, _ in HTTPResponse(status: 201) }
        #expect(try await call(router, "DELETE", "/r/new").status == 204)  // the pattern serves what the exact route lacks
        let miss = await answer(router, "PUT", "/r/new")
        #expect(miss.status == 405 && miss.headers["Allow"] == "DELETE, GET, HEAD, POST")
        #expect(miss.text.contains(#""code":"method_not_allowed""#))
        let other = await answer(router, "PUT", "/r/7")
        #expect(other.headers["Allow"] == "DELETE, POST")
        let missing = await answer(router, "GET", "/q")
        #expect(missing.status == 404 && missing.text.contains(#""code":"not_found""#) && missing.text.contains("/q"))
    }

    @Test func aMountServesItsRoutesUnderThePrefixInsideItsMiddleware() async throws {
        var v1 = Router()
        v1.get("/") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "root") }
        v1.get("/health") { request, _ in HTTPResponse(status: 200, contentType: "text/plain", body: request.path) }
        v1.get("/reports/:id", use: Self.echoParameters)
        var site = Router()
        site.mount("/v1", v1, middleware: [Stamp(name: "outer"), Stamp(name: "inner")])
        site.get("/other") { _, _ in HTTPResponse(status: 200) }

        let health = try await call(site, "GET", "/v1/health")
        #expect(health.text == "/v1/health")  // the handler sees the whole path
        #expect(health.headers.values(for: "X-Stamp") == ["inner", "outer"])  // inner adds first: outer wraps it
        #expect(try await call(site, "GET", "/v1").text == "root")
        let report = try await call(site, "GET", "/v1/reports/R%2D7")
        #expect(report.text == "id=R-7" && report.headers["X-Stamp"] != nil)
        // Nothing beside the mount runs through its middleware.
        #expect(try await call(site, "GET", "/other").headers["X-Stamp"] == nil)
        // The prefix is a whole segment: /v1x is not under /v1.
        #expect(await answer(site, "GET", "/v1x/health").headers["X-Stamp"] == nil)
        #expect(await answer(site, "GET", "/health").status == 404)
    }

    @Test func eachMountAnswersItsOwnMissesInsideItsMiddleware() async throws {
        var pages = Router()
        pages.get("/health") { _, _ in HTTPResponse(status: 200, contentType: "text/html", body: "<p>ok</p>") }
        pages.fallback = { miss, request, _ in
            HTTPResponse(status: miss.status, contentType: "text/html; charset=utf-8",
                         body: "<h1>\(miss.status)</h1><p>\(request.path)</p>", headers: HTTPHeaders(miss.headers))
        }
        var api = Router()
        api.post("/push") { _, _ in HTTPResponse(status: 200) }
        var site = Router()
        site.mount("/ui", pages, middleware: [Stamp(name: "ui")])
        site.mount("/v1", api, middleware: [Stamp(name: "v1")])

        let page = try await call(site, "GET", "/ui/nope")
        #expect(page.status == 404 && page.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(page.text == "<h1>404</h1><p>/ui/nope</p>" && page.headers["X-Stamp"] == "ui")
        let wrongMethod = try await call(site, "POST", "/ui/health")
        #expect(wrongMethod.status == 405 && wrongMethod.headers["Allow"] == "GET, HEAD" && wrongMethod.text.hasPrefix("<h1>405"))

        // The other mount's default fallback throws the miss inside its own middleware.
        let stamped = Stamp(name: "v1", catching: true)
        var caught = Router()
        caught.mount("/v1", api, middleware: [stamped])
        let apiMiss = try await call(caught, "GET", "/v1/nope")
        #expect(apiMiss.status == 404 && apiMiss.headers["X-Caught"] == "RouteMiss(404 GET /v1/nope)")
        let apiWrong = try await call(caught, "GET", "/v1/push")
        #expect(apiWrong.status == 405 && apiWrong.headers["X-Caught"] == "RouteMiss(405 GET /v1/push)")
        // Under no mount: the site's own fallback, outside every middleware.
        await #expect(throws: RouteMiss(.notFound, method: "GET", path: "/elsewhere")) {
            try await call(caught, "GET", "/elsewhere")
        }
    }

    @Test func nestedMountsRunOuterMiddlewareFirstAndTheDeepestFallbackAnswers() async throws {
        var reports = Router()
        reports.get("/:id", use: Self.echoParameters)
        reports.fallback = { _, _, _ in HTTPResponse(status: 404, contentType: "text/plain", body: "no such report") }
        var v2 = Router()
        v2.mount("/reports", reports, middleware: [Stamp(name: "reports")])
        v2.fallback = { _, _, _ in HTTPResponse(status: 404, contentType: "text/plain", body: "no such v2 endpoint") }
        var site = Router()
        site.mount("/v2", v2, middleware: [Stamp(name: "v2")])

        let report = try await call(site, "GET", "/v2/reports/9")
        #expect(report.text == "id=9" && report.headers.values(for: "X-Stamp") == ["reports", "v2"])
        let missingReport = try await call(site, "GET", "/v2/reports/9/x")
        #expect(missingReport.text == "no such report" && missingReport.headers.values(for: "X-Stamp") == ["reports", "v2"])
        let missing = try await call(site, "GET", "/v2/cases")
        #expect(missing.text == "no such v2 endpoint" && missing.headers.values(for: "X-Stamp") == ["v2"])
    }

    @Test func middlewareMayAnswerAloneOrChangeTheRequest() async throws {
        var api = Router()
        api.get("/who") { request, context in
            HTTPResponse(status: 200, contentType: "text/plain", body: "\(request.headers["X-User"] ?? "-") \(context.parameters.isEmpty)")
        }
        let gate = ClosureMiddleware { request, context, next in
            guard request.headers["Authorization"] == "yes" else { return HTTPResponse(status: 401) }
            var request = request
            request.headers.set(name: "X-User", value: "ada")
            return try await next(request, context)
        }
        var site = Router()
        site.mount("/api", api, middleware: [gate])
        #expect(try await call(site, "GET", "/api/who").status == 401)
        let allowed = try await site.respond(to: HTTPRequest(method: "GET", target: "/api/who", headers: ["Authorization": "yes"]),
                                             context: context)
        #expect(allowed.text == "ada true")
    }

    @Test func htmlErrorPagesEscapeWhatTheyQuoteAndKeepStatusAndHeaders() async throws {
        let capture = LogCapture()
        var pages = Router()
        pages.get("/boom") { _, _ in throw SecretFailure() }
        pages.get("/busy") { _, _ in throw HTTPError(status: 503, message: "try <later> & again", headers: [("Retry-After", "7")]) }
        var site = Router()
        site.mount("/ui", pages, middleware: [HTMLErrorMiddleware(log: Logger(minimumLevel: .debug, sink: capture.sink))])

        let missing = try await call(site, "GET", "/ui/<script>'x'")
        #expect(missing.status == 404 && missing.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(missing.headers["Cache-Control"] == "no-store")
        #expect(missing.text.contains("<h1>404 Not Found</h1>") && missing.text.contains("/ui/&lt;script&gt;&#39;x&#39;"))
        #expect(!missing.text.contains("<script>"))
        let busy = try await call(site, "GET", "/ui/busy")
        #expect(busy.status == 503 && busy.headers["Retry-After"] == "7" && busy.text.contains("try &lt;later&gt; &amp; again"))
        let boom = try await call(site, "GET", "/ui/boom")
        #expect(boom.status == 500 && boom.text.contains("<p>internal error</p>") && !boom.text.contains("hunter2"))
        #expect(capture.lines == ["<3>request failed error=SecretFailure path=/ui/boom request_id=00000000000000aa"])
    }

    @Test func parametersMustBeNamedAlikeOnOneShape() async throws {
        var router = Router()
        router.get("/r/:id", use: Self.echoParameters)
        router.post("/r/:id", use: Self.echoParameters)  // same shape, same name: one route
        #expect(try await call(router, "POST", "/r/5").text == "id=5")
        #expect(RoutePattern("/r/:id").hasShape(of: RoutePattern("/r/:other")))
        #expect(!RoutePattern("/r/:id").hasShape(of: RoutePattern("/s/:id")))
        #expect(RoutePattern("/r/new").precedes(RoutePattern("/r/:id")))
        #expect(!RoutePattern("/r/:id").precedes(RoutePattern("/r/new")))
    }
}

/// Adds `X-Stamp: <name>` to what `next` answers; with `catching`, answers a thrown error
/// with 404/405 and its description in `X-Caught`.
private struct Stamp: HTTPMiddleware {
    let name: String
    var catching = false

    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPMiddlewareNext) async throws -> HTTPResponse {
        var response: HTTPResponse
        do {
            response = try await next(request, context)
        } catch let miss as RouteMiss where catching {
            response = HTTPResponse(status: miss.status, headers: ["X-Caught": miss.description])
        }
        response.headers.add(name: "X-Stamp", value: name)
        return response
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
