/// The protocol version from a request line; only major version 1 is ever parsed into one.
public struct HTTPVersion: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// A complete request as the parser delivers it: head and the whole (de-chunked) body.
public struct HTTPRequest: Sendable, Equatable {
    /// The method token exactly as sent (methods are case-sensitive).
    public var method: String
    /// The request-target as sent (origin-form `/path?query`, `*`, or absolute-form).
    public var target: String
    /// The path of the target, not percent-decoded (`/` for asterisk-form and empty paths).
    public var path: String
    /// The query after the first `?`, not percent-decoded; nil when the target has no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether the connection may carry another request after this one's response: HTTP/1.1
    /// unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool

    public init(method: String, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = [:], body: [UInt8] = [], keepAlive: Bool = true) {
        self.method = method
        self.target = target
        let split = HTTPRequest.splitTarget(target)
        self.path = split.path
        self.query = split.query
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// Path and query of a request-target; absolute-form loses its scheme and authority.
    static func splitTarget(_ target: String) -> (path: String, query: String?) {
        if target == "*" { return ("/", nil) }
        var rest = Substring(target)
        let lowered = target.asciiLowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            rest = rest[rest.index(rest.firstIndex(of: ":") ?? rest.startIndex, offsetBy: 3)...]
            rest = rest[(rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex)...]
        }
        guard let mark = rest.firstIndex(of: "?") else {
            return (rest.isEmpty ? "/" : String(rest), nil)
        }
        let path = rest[..<mark]
        return (path.isEmpty ? "/" : String(path), String(rest[rest.index(after: mark)...]))
    }
}
