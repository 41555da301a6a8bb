import CCurl

/// A failed HTTP transfer: no complete response arrived.
///
/// `isTransient` tells a retry loop what to do: transient failures (network down, timeouts,
/// a connection dropped mid-transfer) are worth retrying with backoff; the rest (TLS identity
/// problems, bad requests, responses over the cap, cancellation) will fail the same way again.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// DNS lookup of the host (or proxy) failed.
        case couldNotResolve
        /// TCP connect failed: refused, unreachable, or a proxy refused the tunnel.
        case couldNotConnect
        /// The overall, connect or low-speed timeout fired.
        case timedOut
        /// The TLS handshake or certificate verification failed.
        case tlsFailure
        /// The server's public key does not match `TLSOptions.pinnedPublicKey`.
        case pinMismatch
        /// Sending the request failed (connection reset while sending).
        case sendFailed
        /// Receiving failed: connection reset or closed mid-response, bad framing, bad encoding.
        case receiveFailed
        /// The transfer was cancelled (the calling Task was cancelled).
        case aborted
        /// The response (headers or body) exceeded the client's limit.
        case responseTooLarge
        /// The request itself is unusable: bad URL, scheme other than http/https, bad method or header.
        case invalidRequest
        /// Anything else libcurl reports (out of memory, internal errors).
        case other
    }

    public let code: Code
    /// libcurl's `CURLcode`, or 0 when the wrapper refused the request before libcurl ran.
    public let curlCode: Int32
    /// libcurl's `CURLOPT_ERRORBUFFER` text (or `curl_easy_strerror` when that is empty), or
    /// the wrapper's own explanation.
    public let message: String
    /// The request URL without query, fragment or credentials.
    public let url: String

    public init(_ code: Code, curlCode: Int32, message: String, url: String) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
        self.url = CurlError.redacted(url)
    }

    /// Whether retrying the same request later may succeed.
    public var isTransient: Bool {
        switch code {
        case .couldNotResolve, .couldNotConnect, .timedOut, .sendFailed, .receiveFailed:
            return true
        case .tlsFailure:
            // A handshake that broke off is usually the link; certificate problems are not.
            return curlCode == Int32(CURLE_SSL_CONNECT_ERROR.rawValue)
        case .pinMismatch, .aborted, .responseTooLarge, .invalidRequest, .other:
            return false
        }
    }

    public var description: String {
        let advice: String
        switch code {
        case .couldNotResolve: advice = "check the hub address and DNS; will retry"
        case .couldNotConnect: advice = "the hub is unreachable from here; will retry"
        case .timedOut: advice = "the link is too slow or the hub did not answer in time; will retry"
        case .tlsFailure:
            advice = isTransient ? "the TLS handshake broke off; will retry"
                : "the server's certificate is not trusted: check the CA file and the hub address"
        case .pinMismatch: advice = "the server is not the enrolled hub (key pin mismatch); do not retry, contact the administrator"
        case .sendFailed, .receiveFailed: advice = "the connection broke during the transfer; will retry"
        case .aborted: advice = "the transfer was cancelled"
        case .responseTooLarge: advice = "the server sent more than the client accepts; check the hub version"
        case .invalidRequest: advice = "fix the request (URL, method or headers)"
        case .other: advice = "unexpected libcurl failure; see the message"
        }
        return "HTTP request to \(url) failed: \(code.rawValue) (curl \(curlCode): \(message)); \(advice)"
    }

    /// The error for a failed `curl_easy_perform` or `curl_easy_setopt`.
    static func from(_ result: CURLcode, errorBuffer: String, url: String) -> CurlError {
        let text = errorBuffer.isEmpty ? String(cString: curl_easy_strerror(result)) : errorBuffer
        return CurlError(code(for: result), curlCode: Int32(result.rawValue), message: text, url: url)
    }

    /// Which `Code` a libcurl result means.
    static func code(for result: CURLcode) -> Code {
        switch result {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotResolve
        case CURLE_COULDNT_CONNECT, CURLE_PROXY:
            return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .pinMismatch
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tlsFailure
        case CURLE_SEND_ERROR, CURLE_SEND_FAIL_REWIND:
            return .sendFailed
        case CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY,
             CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3:
            return .receiveFailed
        case CURLE_ABORTED_BY_CALLBACK:
            return .aborted
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return .invalidRequest
        default:
            return .other
        }
    }

    /// `url` without userinfo, query or fragment, which may hold credentials or tokens.
    static func redacted(_ url: String) -> String {
        var text = Substring(url)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        if let scheme = text.firstRange(of: "://") {
            let authorityEnd = text[scheme.upperBound...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                text = text[..<scheme.upperBound] + text[text.index(after: at)...]
            }
        }
        return String(text)
    }
}
