import Curl

/// `HubTransport` over libcurl (`Curl.HTTPClient`): transfers run on the client's own serial
/// queue, never on Swift's cooperative threads; TLS verification is on; `caFile` and the
/// pinned key come from `TLSSettings`; proxies come from the environment (`https_proxy`,
/// `no_proxy`, …, libcurl's rules); responses are asked for compressed (`Accept-Encoding`) and
/// decoded by libcurl. One easy handle is reused, so a round's requests share a connection.
public final class CurlTransport: HubTransport {
    private let client: HTTPClient
    private let options: TransportOptions

    /// Largest response accepted: a pull response holds at most one 16 MiB frame plus a few
    /// header bytes (spec §10.4, §12).
    public static let maxResponseBytes = 16 * 1024 * 1024 + 64 * 1024

    public init(tls: TLSSettings, options: TransportOptions = TransportOptions()) throws(SyncClientError) {
        do {
            client = try HTTPClient(tls: TLSOptions(caFile: tls.caFile, pinnedPublicKey: tls.pinnedPublicKey),
                                    userAgent: options.userAgent, maxResponseBytes: Self.maxResponseBytes)
        } catch {
            throw SyncClientError(.transport, "cannot set up libcurl: \(error)", retry: .stop, transportCode: error.code.rawValue)
        }
        self.options = options
    }

    public func send(_ request: HubRequest) async throws(SyncClientError) -> HubResponse {
        let curlRequest = Curl.HTTPRequest(
            method: request.method, url: request.url,
            headers: request.headers.map { HTTPHeader($0.name, $0.value) }, body: request.body,
            timeoutSeconds: Self.seconds(options.totalTimeout), connectTimeoutSeconds: Self.seconds(options.connectTimeout),
            lowSpeedLimitBytesPerSecond: options.lowSpeedBytesPerSecond, lowSpeedTimeSeconds: Self.seconds(options.lowSpeedTime))
        let response: Curl.HTTPResponse
        do {
            response = try await client.perform(curlRequest)
        } catch {
            throw Self.translate(error)
        }
        var headers: [String: String] = [:]
        for field in response.headers where headers[field.name] == nil {
            headers[field.name] = field.value
        }
        return HubResponse(status: response.status, headers: headers, body: response.body)
    }

    /// A libcurl failure as the sync logic sees it: cancellation is `.cancelled`; a transient
    /// failure is `backoff`; a request the hub URL makes impossible is `stop`; TLS identity
    /// failures are `backoff` too, because a field laptop behind a captive portal sees exactly
    /// that until the operator logs in — the error shows in `fieldnode status` meanwhile.
    static func translate(_ error: CurlError) -> SyncClientError {
        switch error.code {
        case .aborted:
            return SyncClientError(.cancelled, "the request to the hub was cancelled", retry: .stop, transportCode: error.code.rawValue)
        case .invalidRequest:
            return SyncClientError(.transport, error.description, retry: .stop, transportCode: error.code.rawValue)
        default:
            return SyncClientError(.transport, error.description, retry: .backoff, transportCode: error.code.rawValue)
        }
    }

    /// Whole seconds, at least 1 (libcurl reads 0 as "no limit").
    static func seconds(_ duration: Duration) -> Int {
        max(1, Int(duration.components.seconds) + (duration.components.attoseconds > 0 ? 1 : 0))
    }
}
