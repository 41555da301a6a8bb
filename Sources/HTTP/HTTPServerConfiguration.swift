/// Where the server listens and the limits and timeouts it applies.
public struct HTTPServerConfiguration: Sendable {
    /// A TCP host and port, or a Unix domain socket path.
    public enum Address: Sendable, Equatable, CustomStringConvertible {
        /// A numeric IPv4/IPv6 host (or `localhost`); port 0 picks a free port (see `HTTPServer.port`).
        case tcp(host: String, port: Int)
        /// A filesystem path; a stale socket there is replaced, anything else is an error.
        case unix(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path): return "unix:\(path)"
            }
        }
    }

    public var address: Address
    /// Mode of the Unix socket file (default 0660: owner and group may connect).
    public var unixSocketPermissions: UInt32 = 0o660
    public var limits: HTTPLimits = .default
    /// Time from the first byte of a request (for a new connection: from accepting it) until
    /// its head is complete; past it the server answers 408 and closes. Defeats slowloris.
    public var headerTimeout: Duration = .seconds(10)
    /// Time an idle keep-alive connection may wait for its next request.
    public var idleTimeout: Duration = .seconds(30)
    /// Longest wait for the next bytes of a body (progress, not total time).
    public var bodyTimeout: Duration = .seconds(10)
    /// Longest wait for a client to accept more bytes of a response.
    public var writeTimeout: Duration = .seconds(10)
    /// Connections served at once. Beyond it a connection is accepted, answered 503 with
    /// `Retry-After` and `Connection: close`, and closed.
    public var maxConnections: Int = 256
    /// After `shutdown()`, how long in-flight requests may run before connections are closed.
    public var shutdownGracePeriod: Duration = .seconds(5)
    /// Time spent reading and discarding after answering an error and half-closing, so the
    /// client reads the answer instead of a reset.
    public var lingerTimeout: Duration = .seconds(1)
    /// `listen(2)` backlog.
    public var backlog: Int32 = 128
    /// Builds every response the server writes on its own — parse errors, 408 timeouts, the
    /// 503 over the connection cap, the 500 for a responder's unexpected error — so an
    /// application can give them its protocol's headers and error bodies. Called on the
    /// connection's task; keep it quick and non-blocking. The server still writes
    /// `Content-Length` and `Connection` (see `HTTPServerGeneratedError`). The default keeps the
    /// module's own JSON envelope (`HTTPServerGeneratedError.defaultResponse`).
    public var generatedErrorResponder: HTTPGeneratedErrorResponder = HTTPServerGeneratedError.defaultResponder

    public init(address: Address) {
        self.address = address
    }
}
