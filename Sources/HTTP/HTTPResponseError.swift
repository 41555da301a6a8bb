/// An error that chooses its own response. Only errors conforming to this protocol pick a
/// status and a body; the server answers any other error with a bare 500 (see `HTTPServer`).
public protocol HTTPResponseError: Error {
    /// The response status, 400...599.
    var status: Int { get }
    /// Text safe to show the client: what went wrong and what to do about it.
    var publicMessage: String { get }
    /// Extra header fields for the response (such as `Allow` or `Retry-After`).
    var headers: [(String, String)] { get }
    /// The body and its content type. The default is the JSON error envelope
    /// `{"error":{"code":…,"message":…,"retry":…}}` built from `status` and `publicMessage`.
    func responseBody() -> (contentType: String, bytes: [UInt8])
}

extension HTTPResponseError {
    public var headers: [(String, String)] { [] }

    public func responseBody() -> (contentType: String, bytes: [UInt8]) {
        (HTTPErrorEnvelope.contentType,
         HTTPErrorEnvelope.json(code: HTTPErrorEnvelope.code(forStatus: status), message: publicMessage,
                                retry: HTTPRetryAdvice(forStatus: status)))
    }

    /// The response this error stands for.
    public func response() -> HTTPResponse {
        let (contentType, bytes) = responseBody()
        var fields = HTTPHeaders(headers)
        fields.set(name: "Content-Type", value: contentType)
        return HTTPResponse(status: status, headers: fields, body: bytes)
    }
}

/// What a client should do after an error: the `retry` member of the error envelope.
public enum HTTPRetryAdvice: String, Sendable, Equatable {
    /// Try again now (the failure was transient, such as a timeout).
    case retry
    /// Try again later, with growing delays.
    case backoff
    /// Do not repeat the request unchanged.
    case stop

    /// The usual advice for a status: back off on 429 and 5xx, retry on 408, else stop.
    public init(forStatus status: Int) {
        switch status {
        case 408: self = .retry
        case 429, 500...599: self = .backoff
        default: self = .stop
        }
    }
}

/// A ready-made `HTTPResponseError` with an explicit code and message.
public struct HTTPError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: Int
    /// Machine-readable code for the envelope, such as `not_found`.
    public var code: String
    public var publicMessage: String
    public var retry: HTTPRetryAdvice
    public var headers: [(String, String)]

    public init(status: Int, code: String? = nil, message: String, retry: HTTPRetryAdvice? = nil,
                headers: [(String, String)] = []) {
        self.status = status
        self.code = code ?? HTTPErrorEnvelope.code(forStatus: status)
        self.publicMessage = message
        self.retry = retry ?? HTTPRetryAdvice(forStatus: status)
        self.headers = headers
    }

    public func responseBody() -> (contentType: String, bytes: [UInt8]) {
        (HTTPErrorEnvelope.contentType, HTTPErrorEnvelope.json(code: code, message: publicMessage, retry: retry))
    }

    public var description: String { "HTTPError(\(status) \(code)): \(publicMessage)" }
}

/// The JSON error body the server writes for errors it raises itself, unless
/// `HTTPServerConfiguration.generatedErrorResponder` says otherwise.
public enum HTTPErrorEnvelope {
    public static let contentType = "application/json"

    /// `{"error":{"code":"…","message":"…","retry":"…"}}`, strings escaped per RFC 8259.
    public static func json(code: String, message: String, retry: HTTPRetryAdvice) -> [UInt8] {
        Array(#"{"error":{"code":\#(quoted(code)),"message":\#(quoted(message)),"retry":"\#(retry.rawValue)"}}"#.utf8)
    }

    /// The body of every 500 the server writes: no internal detail ever goes over the wire.
    public static let internalError: [UInt8] = json(code: "internal", message: "internal error", retry: .backoff)

    /// A snake_case code for a status without a more specific one (`not_found`, `http_418`).
    public static func code(forStatus status: Int) -> String {
        switch status {
        case 400: return "bad_request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 408: return "timeout"
        case 409: return "conflict"
        case 413: return "body_too_large"
        case 429: return "rate_limited"
        case 500: return "internal"
        case 503: return "unavailable"
        default: return "http_\(status)"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
