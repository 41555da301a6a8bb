/// What comes after a middleware: the next middleware of the chain, or the route's handler.
public typealias HTTPMiddlewareNext = (HTTPRequest, RequestContext) async throws -> HTTPResponse

/// Code that runs around the handlers of a mount (`Router.mount(_:_:middleware:)`): it may
/// change the request before calling `next`, change or replace the response after it, catch
/// what `next` throws, or answer without calling `next` at all.
///
/// A mount's middleware wraps every route of the mounted router and its fallback (its 404 and
/// 405), and nothing else: routes beside the mount never see it. The first middleware of a list
/// is the outermost; a mount inside a mount runs the outer mount's middleware first.
///
///     struct Stamp: HTTPMiddleware {
///         func handle(_ request: HTTPRequest, context: RequestContext,
///                     next: HTTPMiddlewareNext) async throws -> HTTPResponse {
///             var response = try await next(request, context)
///             response.headers.set(name: "X-Stamp", value: "1")
///             return response
///         }
///     }
public protocol HTTPMiddleware: Sendable {
    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPMiddlewareNext) async throws -> HTTPResponse
}

/// A middleware made of a closure.
public struct ClosureMiddleware: HTTPMiddleware {
    let body: @Sendable (HTTPRequest, RequestContext, HTTPMiddlewareNext) async throws -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest, RequestContext, HTTPMiddlewareNext) async throws -> HTTPResponse) {
        self.body = body
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPMiddlewareNext) async throws -> HTTPResponse {
        try await body(request, context, next)
    }
}

extension Array where Element == any HTTPMiddleware {
    /// `handler` wrapped in these middleware, the first one outermost.
    func wrapping(_ handler: @escaping Router.Handler) -> Router.Handler {
        // A plain loop, not `reduce`: a closure passed through a generic comes back behind
        // reabstraction thunks that every request would pay for.
        var wrapped = handler
        for middleware in reversed() {
            let next = wrapped
            wrapped = { request, context in try await middleware.handle(request, context: context, next: next) }
        }
        return wrapped
    }
}
