/// A response a responder returns. The server owns framing.
///
/// Invariants of the serialized form (RFC 9112 §4, §6):
/// 1. The status line is `HTTP/1.1 SP status SP reason CRLF`, whatever the request's version.
/// 2. Content-Length is always written by the serializer, equal to the body's size (also for
///    HEAD, where the body itself is left out); never for 204 and 304, which carry no body.
/// 3. Content-Length, Transfer-Encoding and Connection set by a responder are replaced: the
///    body is never chunked, and `Connection: close` appears exactly when the server closes.
/// 4. A field whose name is not a token or whose value holds a control character is dropped,
///    so no value can inject a header line or split the response.
public struct HTTPResponse: Sendable, Equatable {
    /// Status code, 200...599 (1xx responses are the server's business).
    public var status: Int
    /// Header fields. `Content-Length`, `Transfer-Encoding` and `Connection` are replaced by the
    /// serializer; a `Connection: close` set here makes the server close after this response.
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 body and its content type.
    public init(status: Int, contentType: String, body: String, headers: HTTPHeaders = [:]) {
        var headers = headers
        headers.set(name: "Content-Type", value: contentType)
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }

    /// Whether the responder asked for the connection to close after this response.
    public var requestsClose: Bool {
        headers.containsToken("close", in: "Connection")
    }

    /// The bytes on the wire, and the names of header fields that were dropped because their
    /// name is not a token or their value holds CR, LF or another control character (writing
    /// them would let a value split the response).
    public struct Serialized: Sendable {
        public var bytes: [UInt8]
        public var droppedHeaderNames: [String]
    }

    /// The wire form for HTTP/1.1.
    /// - Parameters:
    ///   - keepAlive: false adds `Connection: close`.
    ///   - peerVersion: an HTTP/1.0 peer that keeps the connection gets `Connection: keep-alive`.
    ///   - isHeadRequest: the body is left out but Content-Length still gives its size.
    public func serialize(keepAlive: Bool, peerVersion: HTTPVersion = .http1_1,
                          isHeadRequest: Bool = false) -> Serialized {
        var out: [UInt8] = []
        var dropped: [String] = []
        out.reserveCapacity(256 + body.count)
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(status))\r\n".utf8)
        let framingNames = ["Content-Length", "Transfer-Encoding", "Connection"]
        for field in headers where !framingNames.contains(where: { field.name.equalsIgnoringASCIICase($0) }) {
            guard HTTPSyntax.isToken(field.name.utf8),
                  field.value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte) else {
                dropped.append(field.name)
                continue
            }
            Self.appendField(field.name, field.value, to: &out)
        }
        // RFC 9110 §8.6: no Content-Length in 1xx and 204; 304 has no body either.
        let bodyAllowed = status >= 200 && status != 204 && status != 304
        if bodyAllowed { Self.appendField("Content-Length", String(body.count), to: &out) }
        if !keepAlive {
            Self.appendField("Connection", "close", to: &out)
        } else if peerVersion.minor == 0 {
            Self.appendField("Connection", "keep-alive", to: &out)
        }
        out.append(contentsOf: HTTPSyntax.crlf)
        if bodyAllowed, !isHeadRequest { out.append(contentsOf: body) }
        return Serialized(bytes: out, droppedHeaderNames: dropped)
    }

    /// The interim response written when a request carries `Expect: 100-continue`.
    public static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(contentsOf: HTTPSyntax.crlf)
    }
}
