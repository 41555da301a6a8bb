import HTTP
import SyncProtocol

/// A refusal on the wire: a `WireError` (spec §11) that the HTTP server answers with its own
/// status and body, `{"error":{"code","message","retry"}}`.
public struct HubWireError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    public let wire: WireError

    public init(_ wire: WireError) {
        self.wire = wire
    }

    /// The error with the standard operator message for `code` (the texts of
    /// `Protocols/vectors/messages.json`).
    public init(_ code: WireError.Code, lastCounter: UInt64? = nil) {
        self.init(WireError(code, Self.standardMessage(code), lastCounter: lastCounter))
    }

    public init(_ code: WireError.Code, _ message: String) {
        self.init(WireError(code, message))
    }

    public var status: Int { wire.status }
    public var publicMessage: String { wire.message }
    public var headers: [(String, String)] {
        wire.code == .rateLimited || wire.code == .unavailable ? [("Retry-After", "5")] : []
    }
    public func responseBody() -> (contentType: String, bytes: [UInt8]) {
        ("application/json", wire.jsonBody())
    }
    public var description: String { "\(wire.code.rawValue): \(wire.message)" }

    /// A push that would put more of one laptop's ops in quarantine than the hub keeps (issue 14:
    /// a wrong clock must not be a lever against the hub). `rate_limited`, retry `backoff`: the
    /// laptop keeps its ops and retries; nothing of the batch was stored.
    static func quarantineFull(limit: Int) -> HubWireError {
        HubWireError(.rateLimited, "The hub already holds \(limit) of this laptop's changes in quarantine because they were stamped far ahead of its clock; nothing of this batch was stored. Set this laptop's clock right (timedatectl) and ask the hub admin to release the held changes (missionhub quarantine release); the laptop keeps everything and retries.")
    }

    /// A codec failure of a request body: `malformed` naming the codec code and offset.
    static func malformed(_ error: CodecError) -> HubWireError {
        HubWireError(.malformed, "The request body could not be decoded (\(error.code.rawValue) at byte \(error.offset)); fieldnode must be fixed.")
    }

    static func standardMessage(_ code: WireError.Code) -> String {
        switch code {
        case .unsupportedVersion: "This hub speaks FS-Protocol 1; update fieldnode."
        case .malformed: "The request could not be decoded; fieldnode must be fixed."
        case .tooLarge: "The request body is larger than this hub accepts; send smaller batches."
        case .foreignOrigin: "A pushed op names another node as its origin; push only this node's ops."
        case .opConflict: "An op with this id and different content is already stored; stop and report this node."
        case .unauthenticated: "This device is not known to the hub or its signature is wrong; enroll it again."
        case .revoked: "This device was revoked; ask the mission hub admin."
        case .staleCounter: "The request counter was already used; retry with a counter above lastCounter."
        case .badToken: "The enrollment token is unknown, used or expired; ask the admin for a new one."
        case .alreadyEnrolled: "This node id is enrolled with another key; run fieldnode init on a fresh data dir."
        case .resyncRequired: "This node was silent past the retention window; pull from cursor 0 and push unacknowledged ops."
        case .notFound: "No such endpoint."
        case .methodNotAllowed: "This method is not allowed on this endpoint."
        case .rateLimited: "Too many requests; retry later."
        case .unavailable: "The hub is starting or shutting down; retry later."
        case .internalError: "The hub failed; retry later. The error was logged."
        }
    }
}

extension HubWireError {
    /// The spec's error (§11) for a response the HTTP server makes up itself, so a node that
    /// obeys `retry` does the right thing. The HTTP status stays the server's (see
    /// `HubResponder.generatedErrorResponder`); the body's code and retry follow this table:
    ///
    /// | case | status | code | retry |
    /// |---|---|---|---|
    /// | body over `max_body_bytes` (`bodyTooLarge`) | 413 | `too_large` | now (halve the batch) |
    /// | any other parse error | 400, 411, 414, 417, 431, 501, 505 | `malformed` | stop |
    /// | head or body late (`requestTimeout`) | 408 | `unavailable` | backoff |
    /// | over `max_connections` (`connectionLimit`) | 503 | `unavailable` | backoff, `Retry-After: 5` |
    /// | over `max_connections_per_client` (`clientConnectionLimit`) | 503 | `unavailable` | backoff, `Retry-After: 5` |
    /// | over `max_buffered_request_bytes` (`bufferLimit`) | 503 | `unavailable` | backoff, `Retry-After: 5` |
    /// | responder's unexpected error (`responderFailed`) | 500 | `internal` | backoff |
    ///
    /// Decisions the spec does not spell out yet (§11.1 has no code for them; §15 forbids new
    /// codes within v1):
    /// 1. A timeout gets `unavailable`: like a transport timeout (§11.2) it calls for `backoff`,
    ///    and `unavailable` is the only backoff code that is not a hub failure (`internal`) or a
    ///    rate limit (`rate_limited`). The status stays 408, an honest HTTP answer.
    /// 2. A request our own client sent that HTTP cannot parse is a bug in fieldnode (or a
    ///    proxy in between), never a passing condition: `malformed` with its spec advice `stop`,
    ///    as for a body that fails decoding. Its status stays the HTTP one (414, 431, 505…).
    /// 3. Headers over the limit (431) are `malformed`, not `too_large`: halving a batch cannot
    ///    shrink them, so `now` would only loop.
    init(generated error: HTTPServerGeneratedError) {
        switch error {
        case .malformedRequest(let parse) where parse.code == .bodyTooLarge:
            self.init(.tooLarge)
        case .malformedRequest(let parse):
            self.init(.malformed, "The hub could not parse the HTTP request (\(parse.code.rawValue): \(parse.message)); fieldnode or a proxy in between must be fixed.")
        case .requestTimeout:
            self.init(.unavailable, "The request did not reach the hub in time (slow or broken link); retry later.")
        case .connectionLimit:
            self.init(.unavailable, "The hub is serving too many connections; retry later.")
        case .clientConnectionLimit:
            self.init(.unavailable, "The hub is serving too many connections from this address; retry later.")
        case .bufferLimit:
            self.init(.unavailable, "The hub is holding too many request bytes (overloaded); retry later.")
        case .responderFailed:
            self.init(.internalError)
        }
    }
}
