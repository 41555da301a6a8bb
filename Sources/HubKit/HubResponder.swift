import HTTP
import SQLite
import SyncEngine
import SyncProtocol
import Toolkit

/// The responder the hub's HTTP server calls: the endpoints' router plus what every response
/// of `/v1/` needs.
///
/// Invariants:
/// 1. Every response it returns carries `FS-Protocol: 1`, `FS-Hub-Time` (ms) and, when the
///    hub has one, `FS-Hub-Epoch`, errors included.
/// 2. Every non-200 body is the spec's error envelope (§11.1): refusals (`HubWireError`) with
///    their code; the router's 404/405 as `not_found`/`method_not_allowed`; any other error as
///    `internal` with no internal text, logged with the request id and the error's type and
///    code only (never content).
/// 3. Bodies are gzipped per `ContentCoding` when the client accepts it.
/// 4. Responses the HTTP server writes itself (parse errors, 408, 413 over the body limit, 503
///    over the connection cap) come from `generatedErrorResponder`: the same headers as 1 and
///    the spec's envelope (`HubWireError.init(generated:)` maps each case to a code).
struct HubResponder: HTTPResponder {
    let router: Router
    let log: Logger
    let clock: @Sendable () -> UInt64
    /// The store's epoch (spec §13.7); nil only in tests of the responder alone.
    var epoch: String? = nil

    func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        var response: HTTPResponse
        do {
            response = try await router.respond(to: request, context: context)
            if response.status == 404 {
                response = HubWireError(.notFound).response()
            } else if response.status == 405 {
                let allow = response.headers["Allow"]
                response = HubWireError(.methodNotAllowed, "Use \(allow ?? "another method") for this endpoint.").response()
                if let allow { response.headers.set(name: "Allow", value: allow) }
            }
        } catch let error as any HTTPResponseError {
            response = error.response()
        } catch {
            log.error("request failed", ["request_id": context.requestID, "path": request.path] + Self.describe(error))
            response = HubWireError(.internalError).response()
        }
        Self.stampProtocolHeaders(&response, now: clock(), epoch: epoch)
        ContentCoding.compress(&response, acceptEncoding: request.headers["Accept-Encoding"])
        return response
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

    /// Sets `FS-Protocol: 1`, `FS-Hub-Time: <now>` (ms) and `FS-Hub-Epoch`, as every hub
    /// response carries.
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
