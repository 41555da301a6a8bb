/// One HTTP request to the hub, as the sync logic builds it.
public struct HubRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields, in order (no `Content-Length`: the transport sets it).
    public var headers: [(name: String, value: String)]
    /// The body as sent on the wire (after any `Content-Encoding`).
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the first header called `name` (any case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// The hub's complete answer, whatever its status.
public struct HubResponse: Sendable {
    public var status: Int
    /// Header fields with lowercased names; the first of repeated fields wins.
    public var headers: [String: String]
    /// The body, decoded from any response `Content-Encoding`.
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of header `name` (any case).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Carries requests to the hub. The production one is `CurlTransport` (libcurl on its own
/// queue); the seam exists so that the session logic can be driven without a network.
///
/// Contract:
/// 1. `send` returns any complete response (2xx, 4xx, 5xx alike) and throws only when no
///    complete response arrived: `.transport` (retry advice from `CurlError.isTransient`) or
///    `.cancelled` when the calling task was cancelled.
/// 2. `send` never blocks a cooperative thread.
public protocol HubTransport: Sendable {
    func send(_ request: HubRequest) async throws(SyncClientError) -> HubResponse
}

/// How `CurlTransport` checks the hub's TLS identity. Verification is always on.
public struct TLSSettings: Sendable, Hashable {
    /// A PEM bundle of trusted CAs (a mission's private CA) instead of the system store.
    public var caFile: String?
    /// `CURLOPT_PINNEDPUBLICKEY`: `sha256//BASE64[;sha256//BASE64…]` or a key file path.
    public var pinnedPublicKey: String?

    public init(caFile: String? = nil, pinnedPublicKey: String? = nil) {
        self.caFile = caFile
        self.pinnedPublicKey = pinnedPublicKey
    }
}

/// Timeouts and encodings for requests to the hub.
public struct TransportOptions: Sendable, Hashable {
    /// DNS + TCP + TLS connect.
    public var connectTimeout: Duration
    /// Abort when the transfer stays below `lowSpeedBytesPerSecond` for `lowSpeedTime`
    /// (a stalled link), rather than capping the whole transfer: a 256 KiB batch over a
    /// 2 kB/s link legitimately takes two minutes.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedTime: Duration
    /// Upper bound on one request, connect included.
    public var totalTimeout: Duration
    /// Send request bodies with `Content-Encoding: gzip` when that makes them smaller. A hub
    /// that answers `415` gets uncompressed bodies from then on.
    public var gzipRequests: Bool
    /// The `User-Agent` header.
    public var userAgent: String

    public init(connectTimeout: Duration = .seconds(15), lowSpeedBytesPerSecond: Int = 100,
                lowSpeedTime: Duration = .seconds(60), totalTimeout: Duration = .seconds(600),
                gzipRequests: Bool = true, userAgent: String = "fieldnode/1") {
        self.connectTimeout = connectTimeout
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedTime = lowSpeedTime
        self.totalTimeout = totalTimeout
        self.gzipRequests = gzipRequests
        self.userAgent = userAgent
    }
}
