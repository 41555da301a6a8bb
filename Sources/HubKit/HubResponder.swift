import HTTP
import SQLite
import SyncEngine
import SyncProtocol
import Toolkit

/// What the hub's HTTP server answers with: the site's router, and the hook for the responses
/// the server writes itself.
///
/// Invariants:
/// 1. The site mounts the sync protocol at `/v1` with `HubProtocolMiddleware` (the spec's
///    headers, error envelope and content coding) and nothing else in it; pages mount beside
///    `/v1` with their own middleware and errors, and never see the protocol's.
/// 2. A path under no mount gets the HTTP module's plain JSON 404/405 (no `FS-*` headers: it is
///    no endpoint of the protocol).
/// 3. Responses the HTTP server writes itself (parse errors, 408, 413 over the body limit, 503
///    over the connection cap, 500) cannot know the route: they all come from
///    `generatedErrorResponder`, with the headers of `HubProtocolMiddleware` invariant 1 and
///    the spec's envelope (`HubWireError.init(generated:)` maps each case to a code).
enum HubResponder {
    /// The hub's routes. A page beside `/v1` is one line here, e.g.
    /// `site.mount("/ui", DashboardPages(endpoints).router(), middleware: [HTMLErrors()])`.
    static func site(_ endpoints: HubEndpoints) -> Router {
        var site = Router()
        site.mount("/v1", endpoints.router(),
                   middleware: [HubProtocolMiddleware(log: endpoints.log, clock: endpoints.clock, epoch: endpoints.identity.epoch)])
        return site
    }

    /// The hook for `HTTPServerConfiguration.generatedErrorResponder`: the spec's error for
    /// each case (`HubWireError.init(generated:)`) under the HTTP server's own status (408 stays
    /// 408, 431 stays 431: the body's code and retry tell the node what to do), with
    /// `FS-Protocol` and `FS-Hub-Time` from `clock`. Not compressed: the request is unknown.
    static func generatedErrorResponder(clock: @escaping @Sendable () -> UInt64, epoch: String? = nil) -> HTTPGeneratedErrorResponder {
        { error in
            var response = HubWireError(generated: error).response()
            response.status = error.status
            stampProtocolHeaders(&response, now: clock(), epoch: epoch)
            return response
        }
    }

    /// Sets `FS-Protocol: 1`, `FS-Hub-Time: <now>` (ms) and `FS-Hub-Epoch`, as every response
    /// of the protocol carries.
    static func stampProtocolHeaders(_ response: inout HTTPResponse, now: UInt64, epoch: String? = nil) {
        response.headers.set(name: RequestSigning.protocolHeader, value: RequestSigning.protocolVersion)
        response.headers.set(name: RequestSigning.hubTimeHeader, value: String(now))
        if let epoch { response.headers.set(name: RequestSigning.hubEpochHeader, value: epoch) }
    }

    /// Log metadata for an unexpected error: its type and code, never its message (which
    /// might quote data).
    static func describe(_ error: any Error) -> [String: String] {
        if let error = error as? StoreError {
            return ["error": "StoreError", "code": error.code.rawValue,
                    "sqlite": error.underlying.map { String($0.code.rawValue) } ?? "-"]
        }
        return ["error": String(describing: type(of: error))]
    }
}

extension Dictionary where Key == String, Value == String {
    static func + (lhs: Self, rhs: Self) -> Self { lhs.merging(rhs) { _, new in new } }
}
