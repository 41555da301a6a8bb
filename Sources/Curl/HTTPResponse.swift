/// A complete HTTP response. Any status is a response, not an error: 4xx and 5xx are for
/// the caller to interpret.
public struct HTTPResponse: Sendable {
    /// The status code of the final response (after any `100 Continue`).
    public let status: Int
    /// Header fields in arrival order, names lowercased. When libcurl decoded a compressed
    /// body, `content-encoding` still names the encoding the server used.
    public let headers: [HTTPHeader]
    /// The body, already decoded from gzip or deflate.
    public let body: [UInt8]

    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field called `name` (any case), or nil.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}
