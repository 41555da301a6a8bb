import CCurl
import Dispatch

/// The field node's HTTP client: libcurl's easy interface behind a serial queue.
///
/// - Transfers run one at a time on the client's own `DispatchQueue`, never on Swift's
///   cooperative threads; `perform` suspends until the transfer ends.
/// - The easy handle is reused, so consecutive requests to the hub share a kept-alive
///   connection (and TLS session).
/// - Redirects are not followed; only `http` and `https` URLs are allowed; responses are
///   decoded from gzip/deflate; TLS peer and host name are verified unless a test turns it off.
/// - Proxies: libcurl's defaults apply, i.e. the environment variables `http_proxy` (lower
///   case only), `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY` and `no_proxy`/`NO_PROXY`
///   are honoured; with none set, connections are direct.
/// - Response bodies larger than `maxResponseBytes` stop the transfer with `.responseTooLarge`.
///
/// Use one client per peer; make several clients for parallel transfers.
public final class HTTPClient: @unchecked Sendable {
    // @unchecked Sendable: the CURL handle in `easy` is only touched on `queue`; the other
    // stored properties are immutable values.
    private let queue: DispatchQueue
    private let easy: CurlEasy
    private let tls: TLSOptions
    private let userAgent: String
    private let maxResponseBytes: Int

    /// A client with its own easy handle. Throws `.other` when libcurl cannot initialise.
    public init(tls: TLSOptions = .init(), userAgent: String = "fieldsync", maxResponseBytes: Int = 16 << 20) throws(CurlError) {
        precondition(maxResponseBytes >= 0, "maxResponseBytes must not be negative")
        easy = try CurlEasy()
        queue = DispatchQueue(label: "fieldsync.curl.\(userAgent)")
        self.tls = tls
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends `request` and returns the complete response, whatever its status.
    ///
    /// Cancelling the calling Task aborts the transfer within about a second (libcurl polls
    /// the cancellation at least once a second) and throws `.aborted`.
    public func perform(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        let cancellation = CancellationFlag()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, CurlError>, Never>) in
                queue.async {
                    continuation.resume(returning: self.easy.perform(
                        request, tls: self.tls, userAgent: self.userAgent,
                        maxResponseBytes: self.maxResponseBytes, cancellation: cancellation))
                }
            }
        } onCancel: {
            cancellation.raise()
        }
        return try result.get()
    }

    /// `perform` for synchronous callers: blocks the calling thread until the transfer ends.
    ///
    /// Must not be called on the client's queue (it would deadlock) nor from async code (it
    /// would block a cooperative thread); use `perform` there.
    public func performBlocking(_ request: HTTPRequest) throws(CurlError) -> HTTPResponse {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let result = queue.sync {
            easy.perform(request, tls: tls, userAgent: userAgent, maxResponseBytes: maxResponseBytes,
                         cancellation: CancellationFlag())
        }
        return try result.get()
    }
}
