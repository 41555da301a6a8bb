import SyncProtocol

/// Everything the node's side of sync can fail with. `message` is written for the operator
/// (what happened and what to do); `retry` is what the daemon does next (spec §11.2).
///
/// Messages never contain report content; they may contain paths, URLs (without query or
/// credentials), codes and counts.
public struct SyncClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// No `credentials.json`: the node was never enrolled.
        case notEnrolled
        /// `credentials.json` exists but cannot be read.
        case credentialsUnreadable
        /// `credentials.json` is readable or writable by group or others.
        case credentialsInsecure
        /// `credentials.json` is not a valid credentials document.
        case credentialsInvalid
        /// Writing `credentials.json` (or the pending-enrollment file) failed.
        case credentialsWriteFailed
        /// The hub URL is not an `https://` URL (or `http://` to this machine).
        case invalidHubURL
        /// The hub answered with a protocol error (`wire` has the code and message).
        case hubRefused
        /// No complete answer arrived: network down, timeout, TLS failure (`transport` has it).
        case transport
        /// The hub's answer could not be understood or broke a protocol rule (a hub or proxy bug).
        case badResponse
        /// The enrollment answer does not fit this node (other node id, other hub than before).
        case enrollmentMismatch
        /// The local store failed.
        case store
        /// The hub holds more of this node's ops than this store has (restored from a backup).
        case storeBehindHub
        /// The round was cancelled (SIGTERM, task cancellation). Nothing acknowledged is lost.
        case cancelled
        /// Another sync round is already running in this process.
        case busy
        /// A broken internal rule (a bug): events out of order, impossible store answers.
        case internalError
    }

    public let code: Code
    public let message: String
    /// What to do next: `.now` (retry at once), `.backoff`, `.stop` (operator action needed),
    /// `.reenroll` (enroll again with a new token).
    public let retry: Retry
    /// With `retry == .backoff`: the hub's `Retry-After`, when it sent one.
    public let retryAfter: Duration?
    /// With `.hubRefused`: the hub's error.
    public let wire: WireError?
    /// With `.transport`: the libcurl failure's code name (e.g. `couldNotConnect`) and whether
    /// `CurlError.isTransient` said it is worth retrying.
    public let transportCode: String?

    public init(_ code: Code, _ message: String, retry: Retry, retryAfter: Duration? = nil,
                wire: WireError? = nil, transportCode: String? = nil) {
        self.code = code
        self.message = message
        self.retry = retry
        self.retryAfter = retryAfter
        self.wire = wire
        self.transportCode = transportCode
    }

    /// The error for a hub error response: the hub's advice (by default the code's, spec
    /// §11.1), its message, and what to do.
    public static func hub(_ wire: WireError, retry: Retry? = nil, retryAfter: Duration? = nil) -> SyncClientError {
        let advice: String
        switch wire.code {
        case .revoked: advice = "this device was revoked at the hub and can never sync again; its unsent reports stay on this laptop, tell the hub admin. To use the laptop again, run `fieldnode init` in a new data directory and enroll that with a new token"
        case .unauthenticated: advice = "the hub does not know this device's key; ask the hub admin for a new token and run `fieldnode enroll` again"
        case .unsupportedVersion: advice = "the hub speaks another protocol version; update fieldnode"
        case .badToken: advice = "ask the hub admin for a new enrollment token (tokens are single-use and expire)"
        case .alreadyEnrolled: advice = "this node id is enrolled with another key; ask the hub admin to revoke it first, or init a new data directory"
        case .opConflict, .foreignOrigin: advice = "this store disagrees with the hub about its own ops; stop using it and contact the hub admin"
        default: advice = (retry ?? wire.retry) == .backoff ? "will retry" : "contact the hub admin"
        }
        return SyncClientError(.hubRefused, "hub refused the request: \(wire.code.rawValue): \(wire.message) (\(advice))",
                               retry: retry ?? wire.retry, retryAfter: retryAfter, wire: wire)
    }

    /// A response that breaks the protocol. Spec §11.2: an answer without a valid error body
    /// is `backoff`.
    public static func badResponse(_ detail: String) -> SyncClientError {
        SyncClientError(.badResponse, "the hub's answer is not valid sync-v1: \(detail); will retry (if it persists, check that the URL points at a fieldsync hub)",
                        retry: .backoff)
    }

    public var description: String { message }

    /// A one-line summary for `peers.last_error` and `STATUS=`: the code, then the message.
    public var statusLine: String {
        let name = wire?.code.rawValue ?? transportCode ?? code.rawValue
        return "\(name): \(message)"
    }
}
