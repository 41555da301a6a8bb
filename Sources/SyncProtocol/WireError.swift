/// What a client does after an error (spec §11): every error response carries one.
public enum Retry: String, Sendable, CaseIterable {
    /// Retry at once, after the adjustment the code prescribes (smaller batch, new counter, cursor 0).
    case now
    /// Retry later with exponential backoff and full jitter (ceiling 5 s doubling, cap 5 min; spec §11.2).
    case backoff
    /// Do not retry automatically; tell the operator.
    case stop
    /// The device credentials are no good; the operator must enroll again.
    case reenroll
}

/// An error response of the sync endpoints (spec §11): HTTP status plus
/// `{"error":{"code":"…","message":"…","retry":"…"}}`.
public struct WireError: Error, Sendable, Equatable {
    /// The error codes; each fixes its HTTP status and retry advice.
    public enum Code: String, Sendable, CaseIterable {
        case unsupportedVersion = "unsupported_version"
        case malformed
        case tooLarge = "too_large"
        case foreignOrigin = "foreign_origin"
        case opConflict = "op_conflict"
        case unauthenticated
        case revoked
        case staleCounter = "stale_counter"
        case badToken = "bad_token"
        case alreadyEnrolled = "already_enrolled"
        case resyncRequired = "resync_required"
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case rateLimited = "rate_limited"
        case unavailable
        case internalError = "internal"

        /// The HTTP status that carries this code.
        public var status: Int {
            switch self {
            case .unsupportedVersion, .malformed: 400
            case .unauthenticated, .revoked, .staleCounter, .badToken: 401
            case .foreignOrigin: 403
            case .notFound: 404
            case .methodNotAllowed: 405
            case .opConflict, .alreadyEnrolled: 409
            case .resyncRequired: 410
            case .tooLarge: 413
            case .rateLimited: 429
            case .internalError: 500
            case .unavailable: 503
            }
        }

        /// What the client does next.
        public var retry: Retry {
            switch self {
            case .tooLarge, .staleCounter, .resyncRequired: .now
            case .rateLimited, .unavailable, .internalError: .backoff
            case .unauthenticated: .reenroll
            case .unsupportedVersion, .malformed, .foreignOrigin, .opConflict, .revoked, .badToken,
                 .alreadyEnrolled, .notFound, .methodNotAllowed: .stop
            }
        }
    }

    public let code: Code
    /// A sentence for the operator; never internal detail (SQL, paths, stack).
    public let message: String
    /// With `stale_counter` only: the last counter the hub accepted from this node.
    public let lastCounter: UInt64?

    public init(_ code: Code, _ message: String, lastCounter: UInt64? = nil) {
        self.code = code
        self.message = message
        self.lastCounter = lastCounter
    }

    public var status: Int { code.status }
    public var retry: Retry { code.retry }

    /// The response body, exactly `{"error":{"code":…,"message":…,"retry":…}}` with no spaces,
    /// plus `,"lastCounter":n` inside the error object when `lastCounter` is set.
    public func jsonBody() -> [UInt8] {
        var body = "{\"error\":{\"code\":\(Self.quote(code.rawValue)),\"message\":\(Self.quote(message)),\"retry\":\(Self.quote(retry.rawValue))"
        if let lastCounter { body += ",\"lastCounter\":\(lastCounter)" }
        return Array((body + "}}").utf8)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
