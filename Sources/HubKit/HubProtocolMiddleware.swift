import HTTP
import SyncProtocol
import Toolkit

/// What every response of `/v1/` needs (spec §10.1, §11.1), as the middleware of the `/v1`
/// mount only (`HubResponder.site`): pages mounted beside `/v1` answer in their own format.
///
/// Invariants:
/// 1. Every response under `/v1` carries `FS-Protocol: 1`, `FS-Hub-Time` (ms) and, when the
///    hub has one, `FS-Hub-Epoch`, errors included.
/// 2. Every non-200 body is the spec's error envelope (§11.1): refusals (`HubWireError`) with
///    their code; the router's misses as `not_found` / `method_not_allowed` (with `Allow`);
///    another `HTTPResponseError` as it answers itself; any other error as `internal` with no
///    internal text, logged with the request id and the error's type and code only (never
///    content).
/// 3. Bodies are gzipped per `ContentCoding` when the client accepts it.
struct HubProtocolMiddleware: HTTPMiddleware {
    let log: Logger
    let clock: @Sendable () -> UInt64
    /// The store's epoch (spec §13.7); nil only in tests of the middleware alone.
    var epoch: String? = nil

    func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPMiddlewareNext) async throws -> HTTPResponse {
        var response: HTTPResponse
        do {
            response = try await next(request, context)
        } catch let miss as RouteMiss {
            response = Self.envelope(for: miss)
        } catch let error as any HTTPResponseError {
            response = error.response()
        } catch {
            log.error("request failed", ["request_id": context.requestID, "path": request.path] + HubResponder.describe(error))
            response = HubWireError(.internalError).response()
        }
        HubResponder.stampProtocolHeaders(&response, now: clock(), epoch: epoch)
        ContentCoding.compress(&response, acceptEncoding: request.headers["Accept-Encoding"])
        return response
    }

    /// A router miss as the spec's `not_found` or `method_not_allowed` (invariant 2).
    static func envelope(for miss: RouteMiss) -> HTTPResponse {
        switch miss.kind {
        case .notFound:
            return HubWireError(.notFound).response()
        case .methodNotAllowed:
            var response = HubWireError(.methodNotAllowed, "Use \(miss.allow) for this endpoint.").response()
            response.headers.set(name: "Allow", value: miss.allow)
            return response
        }
    }
}
