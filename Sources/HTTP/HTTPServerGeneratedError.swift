/// Builds the response for an error the server answers on its own (see
/// `HTTPServerConfiguration.generatedErrorResponder`).
public typealias HTTPGeneratedErrorResponder = @Sendable (HTTPServerGeneratedError) -> HTTPResponse

/// Why the server writes a response on its own, without a responder's answer.
///
/// These are the only responses the server makes itself. For each, it asks
/// `HTTPServerConfiguration.generatedErrorResponder` for the response, so an application can
/// give them its own body and headers (its protocol's error codes, a clock header…) while the
/// module knows nothing of that protocol. The server still owns framing: it writes
/// `Content-Length` and `Connection` itself, and closes the connection after every case but
/// `responderFailed` (which follows the request's keep-alive rules, as any response does).
///
/// No case exists for shutdown: a draining server writes no response of its own (idle
/// connections close, in-flight requests finish, the listener's backlog is closed).
public enum HTTPServerGeneratedError: Sendable, Equatable, CustomStringConvertible {
    /// Which part of a request was late.
    public enum RequestPart: String, Sendable, Equatable {
        /// The request line and header fields (`headerTimeout`).
        case head
        /// The next bytes of the body (`bodyTimeout`).
        case body
    }

    /// The request could not be parsed or breaks a limit; `HTTPParseError.status` is the usual
    /// status (400, 411, 413, 414, 417, 431, 501 or 505; 413 is `bodyTooLarge`).
    case malformedRequest(HTTPParseError)
    /// A request was started but did not arrive in time (status 408). A connection that sends
    /// nothing, or idles between requests, is closed without a response instead.
    case requestTimeout(RequestPart)
    /// The connection was accepted beyond `maxConnections` (status 503): answered, then closed.
    case connectionLimit
    /// The connection was accepted beyond `maxConnectionsPerClient` from its peer's address
    /// (status 503): answered, then closed.
    case clientConnectionLimit
    /// The request's next bytes would pass `maxBufferedRequestBytes`, the request bytes all
    /// connections may hold at once (status 503): answered, then closed.
    case bufferLimit
    /// The responder threw an error that is not an `HTTPResponseError` (status 500). Only the
    /// error's type is logged, with the request id, and the error is never passed on, so its
    /// text cannot leak.
    case responderFailed

    /// The HTTP status of the case: the parse error's, 408, 503 or 500.
    public var status: Int {
        switch self {
        case .malformedRequest(let error): error.status
        case .requestTimeout: 408
        case .connectionLimit, .clientConnectionLimit, .bufferLimit: 503
        case .responderFailed: 500
        }
    }

    /// The module's own response: the JSON envelope of `HTTPErrorEnvelope` with a code from
    /// the case (`timeout`, `overloaded`, `internal`, or the parse error's code) and retry advice
    /// (`retry` for a timeout, `backoff` at the caps and on 500, `stop` for a bad request); the
    /// caps add `Retry-After: 1`.
    public var defaultResponse: HTTPResponse {
        switch self {
        case .malformedRequest(let error):
            return HTTPError(status: error.status, code: error.code.rawValue, message: error.message, retry: .stop).response()
        case .requestTimeout:
            return HTTPError(status: 408, code: "timeout", message: "the request did not arrive in time; send it promptly",
                             retry: .retry).response()
        case .connectionLimit, .clientConnectionLimit, .bufferLimit:
            let message = switch self {
            case .clientConnectionLimit: "too many connections from your address; retry later"
            case .bufferLimit: "the server holds too many request bytes; retry later"
            default: "the server has too many connections; retry later"
            }
            return HTTPError(status: 503, code: "overloaded", message: message, retry: .backoff,
                             headers: [("Retry-After", "1")]).response()
        case .responderFailed:
            return HTTPResponse(status: 500, headers: ["Content-Type": HTTPErrorEnvelope.contentType],
                                body: HTTPErrorEnvelope.internalError)
        }
    }

    /// The default responder: `defaultResponse` for every case.
    public static let defaultResponder: HTTPGeneratedErrorResponder = { $0.defaultResponse }

    /// A short name for logs: `malformed_request:<code>`, `request_timeout:<part>`,
    /// `connection_limit`, `client_connection_limit`, `buffer_limit` or `responder_failed`.
    public var description: String {
        switch self {
        case .malformedRequest(let error): "malformed_request:\(error.code.rawValue)"
        case .requestTimeout(let part): "request_timeout:\(part.rawValue)"
        case .connectionLimit: "connection_limit"
        case .clientConnectionLimit: "client_connection_limit"
        case .bufferLimit: "buffer_limit"
        case .responderFailed: "responder_failed"
        }
    }
}
