/// Something that answers requests: the one method the server calls for each request.
///
/// Throw an `HTTPResponseError` to choose an error status and body; any other error becomes a
/// 500 whose body carries no internal text (the error's type is logged with the request id).
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse
}

/// Who sent a request and how to refer to it in logs.
public struct RequestContext: Sendable, Equatable {
    /// Random 16 hex digits, unique per request; log it with anything about the request.
    public var requestID: String
    /// The peer of the connection the request came on.
    public var peer: HTTPPeerAddress
    /// Sequence number of the connection within this server (1, 2, …).
    public var connectionID: UInt64
    /// What the matched route's `:name` segments captured, percent-decoded; set by `Router`
    /// before it calls the route's middleware and handler (empty for routes without them).
    public var parameters: PathParameters

    public init(requestID: String, peer: HTTPPeerAddress, connectionID: UInt64, parameters: PathParameters = PathParameters()) {
        self.requestID = requestID
        self.peer = peer
        self.connectionID = connectionID
        self.parameters = parameters
    }

    /// A fresh random request id.
    public static func makeRequestID() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The address of a connected peer.
public enum HTTPPeerAddress: Sendable, Equatable, CustomStringConvertible {
    /// An IPv4 or IPv6 peer (numeric host).
    case inet(host: String, port: Int)
    /// A peer on a Unix domain socket (peers there are unnamed).
    case unix

    public var description: String {
        switch self {
        case .inet(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix: return "unix"
        }
    }
}

/// A responder made of a closure.
public struct ClosureResponder: HTTPResponder {
    let handler: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

    public init(_ handler: @escaping @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) {
        self.handler = handler
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        try await handler(request, context)
    }
}
