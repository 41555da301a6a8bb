/// One HTTP header field as sent or received.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request for `HTTPClient`.
///
/// Redirects are never followed; a 3xx comes back as a response. Timeouts must be at least
/// one second (libcurl treats 0 as "never", which a field node must not do).
public struct HTTPRequest: Sendable {
    /// The method, e.g. `GET`, `POST`, `PUT`, `DELETE`, `HEAD`; an RFC 9110 token.
    public var method: String
    /// An absolute `http://` or `https://` URL.
    public var url: String
    /// Extra header fields, sent in order. Do not add `Content-Length`, libcurl sets it.
    public var headers: [HTTPHeader]
    /// The request body; sent (with `Content-Length`) whenever it is non-empty or the method is
    /// `POST`, `PUT` or `PATCH`.
    public var body: [UInt8]
    /// Upper bound on the whole transfer, connect included.
    public var timeoutSeconds: Int
    /// Upper bound on DNS resolution plus TCP and TLS connect.
    public var connectTimeoutSeconds: Int
    /// Together with `lowSpeedTimeSeconds`: abort when the transfer stays below this many bytes
    /// per second for that long (a stalled link), reported as `timedOut`.
    public var lowSpeedLimitBytesPerSecond: Int
    public var lowSpeedTimeSeconds: Int

    public init(
        method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
        timeoutSeconds: Int = 60, connectTimeoutSeconds: Int = 15,
        lowSpeedLimitBytesPerSecond: Int = 100, lowSpeedTimeSeconds: Int = 60
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.lowSpeedLimitBytesPerSecond = lowSpeedLimitBytesPerSecond
        self.lowSpeedTimeSeconds = lowSpeedTimeSeconds
    }

    /// Checks what libcurl would pass through unchecked: a token method, header fields that
    /// cannot smuggle extra lines, sane timeouts.
    func validate() throws(CurlError) {
        func invalid(_ what: String) -> CurlError {
            CurlError(.invalidRequest, curlCode: 0, message: what, url: url)
        }
        guard !method.isEmpty, method.utf8.allSatisfy(HTTPRequest.isTokenByte) else {
            throw invalid("method \"\(method)\" is not an HTTP token")
        }
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(HTTPRequest.isTokenByte) else {
                throw invalid("header name \"\(header.name)\" is not an HTTP token")
            }
            guard !header.value.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) else {
                throw invalid("header \(header.name) contains CR, LF or NUL")
            }
        }
        guard timeoutSeconds >= 1, connectTimeoutSeconds >= 1, lowSpeedTimeSeconds >= 1,
              lowSpeedLimitBytesPerSecond >= 0 else {
            throw invalid("timeouts must be at least 1 second and the low-speed limit not negative")
        }
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// Whether a header named `name` (case-insensitive) is present.
    func hasHeader(_ name: String) -> Bool {
        headers.contains { $0.name.lowercased() == name.lowercased() }
    }
}
