/// Routes by method and path, with `:name` parameters, prefix mounts and middleware.
///
///     var v1 = Router()
///     v1.get("/health") { _, _ in … }
///     v1.get("/reports/:id") { _, context in … context.parameters["id"] … }
///     var site = Router()
///     site.mount("/v1", v1, middleware: [ProtocolHeaders()])   // serves /v1/health, /v1/reports/R-7
///     site.mount("/ui", pages)                                  // beside it, without that middleware
///
/// Invariants:
/// 1. Paths are matched by the rules of `RoutePattern`: as sent, no percent-decoding of
///    literals, no trailing-slash folding; parameters are percent-decoded into
///    `RequestContext.parameters`. A route without parameters costs one dictionary probe.
/// 2. `HEAD` is served by the `GET` handler (the server leaves the body out).
/// 3. A path no route has is a 404 miss; a path with routes for other methods only is a 405
///    miss whose `Allow` lists them. A miss is answered by the `fallback` of the deepest mount
///    whose prefix covers the path (the prefix itself or anything under `prefix/`), run inside
///    that mount's middleware; a path under no mount gets this router's own `fallback`. The
///    default fallback throws the `RouteMiss`, which the server writes as the module's JSON
///    404/405.
/// 4. A mount's middleware wraps exactly the mounted router's routes and fallback; nothing
///    beside the mount runs through it. Middleware lists of nested mounts run outer first.
/// 5. Registering the same method on one path (or pattern shape) twice, or mounting at a
///    prefix twice, is a programming error and traps. A router is a value: mounting copies it,
///    so routes added to it afterwards are not served by the mount.
public struct Router: HTTPResponder {
    public typealias Handler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse
    /// Answers a request no route serves (invariant 3).
    public typealias Fallback = @Sendable (RouteMiss, HTTPRequest, RequestContext) async throws -> HTTPResponse

    /// What this router answers for a miss under none of its mounts, and, once it is mounted
    /// itself, for a miss under its prefix. The default throws the miss.
    public var fallback: Fallback = { miss, _, _ in throw miss }

    private var exact: [String: Methods] = [:]
    /// Routes with parameters, in precedence order (`RoutePattern` rule 4).
    private var patterns: [PatternRoute] = []
    /// Deepest prefix first.
    private var mounts: [Mount] = []

    public init() {}

    /// Registers `handler` for `method` on `path`: exact (`/v1/push`) or with `:name`
    /// parameters (`/v1/reports/:id`). Traps when the method is already registered there.
    public mutating func on(_ method: String, _ path: String, use handler: @escaping Handler) {
        let pattern = RoutePattern(path)
        if pattern.isExact {
            exact[path, default: Methods()].add(method, handler, route: path)
            return
        }
        if let index = patterns.firstIndex(where: { $0.pattern.hasShape(of: pattern) }) {
            precondition(patterns[index].pattern == pattern,
                         "route \(path) has the shape of \(patterns[index].pattern.spelling): name the parameters alike")
            patterns[index].methods.add(method, handler, route: path)
            return
        }
        var route = PatternRoute(pattern: pattern)
        route.methods.add(method, handler, route: path)
        patterns.insert(route, at: patterns.firstIndex { pattern.precedes($0.pattern) } ?? patterns.endIndex)
    }

    public mutating func get(_ path: String, use handler: @escaping Handler) {
        on("GET", path, use: handler)
    }

    public mutating func post(_ path: String, use handler: @escaping Handler) {
        on("POST", path, use: handler)
    }

    /// Serves `router`'s routes under `prefix` (`/v1` and the route `/health` serve
    /// `/v1/health`; the route `/` serves `/v1` itself), each wrapped in `middleware` (first
    /// outermost), and answers misses under the prefix with `router.fallback` inside the same
    /// middleware. `prefix` is `/` and literal segments: none empty or starting with `:`, no
    /// trailing `/` (anything else traps).
    public mutating func mount(_ prefix: String, _ router: Router, middleware: [any HTTPMiddleware] = []) {
        let segments = RoutePattern.split(prefix)
        precondition(prefix.hasPrefix("/") && !segments.contains { $0.isEmpty || $0.hasPrefix(":") },
                     "mount prefix \(prefix) must be literal segments after a leading /, none empty, no trailing /")
        precondition(!mounts.contains { $0.prefix == prefix }, "prefix \(prefix) mounted twice")
        func joined(_ path: String) -> String { path == "/" ? prefix : prefix + path }
        for (path, methods) in router.exact {
            for (method, endpoint) in methods.handlers { on(method, joined(path), use: middleware.wrapping(endpoint.handler)) }
        }
        for route in router.patterns {
            for (method, endpoint) in route.methods.handlers {
                on(method, joined(route.pattern.spelling), use: middleware.wrapping(endpoint.handler))
            }
        }
        var added = router.mounts.map { Mount(prefix: joined($0.prefix), middleware: middleware + $0.middleware, fallback: $0.fallback) }
        added.append(Mount(prefix: prefix, middleware: middleware, fallback: router.fallback))
        mounts = (mounts + added).sorted { $0.prefix.utf8.count > $1.prefix.utf8.count }
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        if let handler = exact[request.path]?.handler(for: request.method) { return try await handler(request, context) }
        return try await respondWithoutExactRoute(to: request, context: context)
    }

    /// Patterns, then the miss (kept apart so the exact route's path stays short).
    private func respondWithoutExactRoute(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        var allowed: Set<String> = []
        exact[request.path]?.addAllowed(to: &allowed)
        if !patterns.isEmpty, request.path.hasPrefix("/") {
            let segments = RoutePattern.split(request.path)
            for index in patterns.indices {
                guard let parameters = patterns[index].pattern.match(segments) else { continue }
                if let handler = patterns[index].methods.handler(for: request.method) {
                    var context = context
                    context.parameters = parameters
                    return try await handler(request, context)
                }
                patterns[index].methods.addAllowed(to: &allowed)
            }
        }
        let miss = allowed.isEmpty
            ? RouteMiss(.notFound, method: request.method, path: request.path)
            : RouteMiss(.methodNotAllowed, method: request.method, path: request.path, allowedMethods: allowed.sorted())
        guard let mount = mounts.first(where: { $0.covers(request.path) }) else {
            return try await fallback(miss, request, context)
        }
        let answer = mount.middleware.wrapping { request, context in try await mount.fallback(miss, request, context) }
        return try await answer(request, context)
    }

    /// The handlers of one path or pattern, by method.
    private struct Methods: Sendable {
        /// A handler in a struct: a closure stored straight in a dictionary (a generic) comes
        /// back behind a reabstraction thunk, and one more each time a mount copies it.
        struct Endpoint: Sendable {
            let handler: Handler
        }

        private(set) var handlers: [String: Endpoint] = [:]

        mutating func add(_ method: String, _ handler: @escaping Handler, route: String) {
            precondition(handlers[method] == nil, "route \(method) \(route) registered twice")
            handlers[method] = Endpoint(handler: handler)
        }

        func handler(for method: String) -> Handler? {
            (handlers[method] ?? (method == "HEAD" ? handlers["GET"] : nil))?.handler
        }

        func addAllowed(to allowed: inout Set<String>) {
            allowed.formUnion(handlers.keys)
            if handlers["GET"] != nil { allowed.insert("HEAD") }
        }
    }

    private struct PatternRoute: Sendable {
        let pattern: RoutePattern
        var methods = Methods()
    }

    private struct Mount: Sendable {
        let prefix: String
        /// The mount's middleware, outer mounts' first.
        let middleware: [any HTTPMiddleware]
        let fallback: Fallback

        func covers(_ path: String) -> Bool {
            path.utf8.starts(with: prefix.utf8)
                && (path.utf8.count == prefix.utf8.count || path.utf8.dropFirst(prefix.utf8.count).first == UInt8(ascii: "/"))
        }
    }
}
