/// Routes by method and exact path. An unknown path is a 404; a known path with another
/// method is a 405 listing the allowed methods in `Allow`. `HEAD` is served by the `GET`
/// handler (the server leaves the body out). Paths are matched as sent: no percent-decoding,
/// no trailing-slash folding, no parameters.
public struct Router: HTTPResponder {
    public typealias Handler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

    private var routes: [String: [String: Handler]] = [:]

    public init() {}

    /// Registers `handler` for `method` on `path` (exact match, such as `/v1/push`).
    /// Registering the same method and path twice is a programming error and traps.
    public mutating func on(_ method: String, _ path: String, use handler: @escaping Handler) {
        precondition(routes[path]?[method] == nil, "route \(method) \(path) registered twice")
        routes[path, default: [:]][method] = handler
    }

    public mutating func get(_ path: String, use handler: @escaping Handler) {
        on("GET", path, use: handler)
    }

    public mutating func post(_ path: String, use handler: @escaping Handler) {
        on("POST", path, use: handler)
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        guard let methods = routes[request.path] else {
            return HTTPError(status: 404, message: "no such endpoint: \(request.path); check the URL").response()
        }
        if let handler = methods[request.method] ?? (request.method == "HEAD" ? methods["GET"] : nil) {
            return try await handler(request, context)
        }
        var allowed = Set(methods.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        let allow = allowed.sorted().joined(separator: ", ")
        return HTTPError(status: 405, message: "\(request.method) is not allowed here; use \(allow)",
                         headers: [("Allow", allow)]).response()
    }
}
