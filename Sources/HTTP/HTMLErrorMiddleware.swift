import Toolkit

/// Errors of a mount of HTML pages as small HTML pages, so a browser never gets another
/// mount's error format (`Router.mount(_:_:middleware:)`).
///
/// Invariants:
/// 1. A thrown `HTTPResponseError` (a `RouteMiss` included) keeps its status and headers
///    (`Allow`, `Retry-After`…); its `publicMessage` becomes the page's text, HTML-escaped.
/// 2. Any other error is a 500 page that says only "internal error", logged with the request id,
///    path and the error's type (never its text, which might quote request data).
/// 3. Responses the handlers return pass untouched; error pages are `text/html; charset=utf-8`
///    with `Cache-Control: no-store`.
public struct HTMLErrorMiddleware: HTTPMiddleware {
    let log: Logger

    public init(log: Logger = .disabled) {
        self.log = log
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: HTTPMiddlewareNext) async throws -> HTTPResponse {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            return Self.page(status: error.status, message: error.publicMessage, headers: HTTPHeaders(error.headers))
        } catch {
            log.error("request failed", ["request_id": context.requestID, "path": request.path,
                                         "error": String(describing: type(of: error))])
            return Self.page(status: 500, message: "internal error")
        }
    }

    /// A minimal page: the status and reason phrase as title and heading, then `message`.
    public static func page(status: Int, message: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        let title = "\(status) \(HTTPStatus.reasonPhrase(status))"
        var headers = headers
        headers.set(name: "Cache-Control", value: "no-store")
        return HTTPResponse(status: status, contentType: "text/html; charset=utf-8",
                            body: "<!doctype html>\n<title>\(title)</title>\n<h1>\(title)</h1>\n<p>\(escaped(message))</p>\n",
                            headers: headers)
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` as character references: safe in element content
    /// and in quoted attribute values.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
