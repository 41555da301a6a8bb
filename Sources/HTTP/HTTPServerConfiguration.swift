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
    /// Slowest body rate accepted: every `bodyTimeout` of a body must bring at least
    /// `bodyTimeout` × this many bytes (else 408, like a stalled body; see `BodyPace`). Stops a
    /// client that trickles bytes just inside `bodyTimeout`, or sends most of a body and holds
    /// the rest, from keeping its connection and request bytes for ever. Nil: progress only.
    public var minBodyBytesPerSecond: Int? = 1024
    /// Longest wait for a client to accept more bytes of a response.
    public var writeTimeout: Duration = .seconds(10)
    /// Connections served at once. Beyond it a connection is accepted, answered 503 with
    /// `Retry-After` and `Connection: close`, and closed.
    public var maxConnections: Int = 256
    /// Connections served at once from one client address (an IPv4 host, or an IPv6 /64
    /// network; Unix-socket peers are unnamed and not counted). Beyond it a connection is accepted, answered 503
    /// with `Retry-After` and `Connection: close`, and closed, so one client cannot take every
    /// slot of `maxConnections`. Nil: no cap. Behind a proxy on TCP every client has the
    /// proxy's address: raise it to `maxConnections` or set nil there.
    public var maxConnectionsPerClient: Int? = nil
    /// Request bytes all connections together may hold at once: heads and bodies being read,
    /// pipelined bytes, and each request's body until its response is written
    /// (`RequestByteBudget`). A connection whose next read would pass it is answered 503 with
    /// `Retry-After` and `Connection: close`, and closed: clients back off instead of the server
    /// growing by `maxConnections` × `limits.maxBodyBytes`. Never below one whole request
    /// (`effectiveMaxBufferedRequestBytes`).
    public var maxBufferedRequestBytes: Int = 128 * 1024 * 1024
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

    /// `maxBufferedRequestBytes`, raised when needed to what one request of the largest size
    /// `limits` allow can hold at once (its longest head, its largest body, and a read of the
    /// next request behind it), so a lone client is never refused for the budget.
    public var effectiveMaxBufferedRequestBytes: Int {
        let oneRequest = limits.maxRequestLineBytes + 2 * limits.maxHeaderBytes
            + limits.maxBodyBytes + limits.maxChunkLineBytes + 2 * HTTPConnection.readSize
        return max(maxBufferedRequestBytes, oneRequest)
    }
}
