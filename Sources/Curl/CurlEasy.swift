import CCurl

/// libcurl's process-wide setup, run once on first use. Swift runs a `static let` initializer
/// exactly once, thread-safely, which is what `curl_global_init` requires.
enum CurlGlobal {
    static let initResult: UInt32 = fs_curl_global_init_default().rawValue
}

/// Owns one libcurl easy handle and runs transfers on it. Not thread-safe: `HTTPClient` only
/// touches it on its serial queue. The handle is kept between transfers so libcurl can reuse
/// live connections (keep-alive), DNS and TLS session caches.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// libcurl writes a message here when a transfer fails (`CURLOPT_ERRORBUFFER`).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(CurlError) {
        guard CurlGlobal.initResult == CURLE_OK.rawValue else {
            throw CurlError(.other, curlCode: Int32(CurlGlobal.initResult),
                            message: "curl_global_init failed", url: "")
        }
        guard let handle = curl_easy_init() else {
            throw CurlError(.other, curlCode: Int32(CURLE_OUT_OF_MEMORY.rawValue),
                            message: "curl_easy_init returned NULL", url: "")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs `request` to completion (blocking) and returns the response or the failure.
    func perform(
        _ request: HTTPRequest, tls: TLSOptions, userAgent: String, maxResponseBytes: Int,
        cancellation: CancellationFlag
    ) -> Result<HTTPResponse, CurlError> {
        do throws(CurlError) {
            try request.validate()
            if cancellation.isRaised {
                throw CurlError(.aborted, curlCode: Int32(CURLE_ABORTED_BY_CALLBACK.rawValue),
                                message: "cancelled before the transfer started", url: request.url)
            }
            let state = TransferState(maxBodyBytes: maxResponseBytes, cancellation: cancellation)
            // Options are rebuilt from defaults for every transfer, so nothing leaks from the
            // previous one; the reset keeps live connections and caches.
            curl_easy_reset(handle)
            defer { curl_easy_reset(handle) }  // drop pointers to `state` and the header list
            let headerList = try configure(request, tls: tls, userAgent: userAgent,
                                           maxResponseBytes: maxResponseBytes, state: state)
            defer {
                curl_easy_reset(handle)  // unhook the list before freeing it
                curl_slist_free_all(headerList)
            }
            errorBuffer[0] = 0
            let result = withExtendedLifetime(state) { curl_easy_perform(handle) }
            if let reason = state.abortReason {
                throw abortError(reason, result: result, url: request.url, maxResponseBytes: maxResponseBytes)
            }
            guard result == CURLE_OK else {
                throw CurlError.from(result, errorBuffer: String(cString: errorBuffer), url: request.url)
            }
            var status = 0
            try check(fs_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), "CURLINFO_RESPONSE_CODE", request.url)
            return .success(HTTPResponse(status: status, headers: state.headers, body: state.body))
        } catch {
            return .failure(error)
        }
    }

    private func abortError(
        _ reason: TransferState.AbortReason, result: CURLcode, url: String, maxResponseBytes: Int
    ) -> CurlError {
        let code = Int32(result.rawValue)
        switch reason {
        case .cancelled:
            return CurlError(.aborted, curlCode: code, message: "the transfer was cancelled", url: url)
        case .bodyTooLarge:
            return CurlError(.responseTooLarge, curlCode: code,
                             message: "response body exceeds \(maxResponseBytes) bytes", url: url)
        case .headersTooLarge:
            return CurlError(.responseTooLarge, curlCode: code,
                             message: "response headers exceed \(TransferState.maxHeaderBytes) bytes", url: url)
        }
    }

    /// Sets every option for `request`; returns the header list, which must outlive the transfer.
    private func configure(
        _ request: HTTPRequest, tls: TLSOptions, userAgent: String, maxResponseBytes: Int, state: TransferState
    ) throws(CurlError) -> UnsafeMutablePointer<curl_slist>? {
        let url = request.url
        func set(_ option: CURLoption, _ value: Int, _ name: String) throws(CurlError) {
            try check(fs_curl_setopt_long(handle, option, value), name, url)
        }
        func set(_ option: CURLoption, _ value: String, _ name: String) throws(CurlError) {
            try check(fs_curl_setopt_str(handle, option, value), name, url)  // libcurl copies strings
        }
        try check(fs_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER", url)
        try set(CURLOPT_URL, url, "CURLOPT_URL")
        try set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        try set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
        try set(CURLOPT_ACCEPT_ENCODING, "", "CURLOPT_ACCEPT_ENCODING")  // every encoding libcurl decodes
        try set(CURLOPT_TCP_KEEPALIVE, 1, "CURLOPT_TCP_KEEPALIVE")
        try set(CURLOPT_TCP_KEEPIDLE, 60, "CURLOPT_TCP_KEEPIDLE")
        try set(CURLOPT_TCP_KEEPINTVL, 30, "CURLOPT_TCP_KEEPINTVL")
        try set(CURLOPT_USERAGENT, userAgent, "CURLOPT_USERAGENT")
        try set(CURLOPT_TIMEOUT, request.timeoutSeconds, "CURLOPT_TIMEOUT")
        try set(CURLOPT_CONNECTTIMEOUT, request.connectTimeoutSeconds, "CURLOPT_CONNECTTIMEOUT")
        try set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedLimitBytesPerSecond, "CURLOPT_LOW_SPEED_LIMIT")
        try set(CURLOPT_LOW_SPEED_TIME, request.lowSpeedTimeSeconds, "CURLOPT_LOW_SPEED_TIME")
        try check(fs_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)),
                  "CURLOPT_MAXFILESIZE_LARGE", url)

        try set(CURLOPT_SSL_VERIFYPEER, tls.verify ? 1 : 0, "CURLOPT_SSL_VERIFYPEER")
        try set(CURLOPT_SSL_VERIFYHOST, tls.verify ? 2 : 0, "CURLOPT_SSL_VERIFYHOST")
        if let caFile = tls.caFile { try set(CURLOPT_CAINFO, caFile, "CURLOPT_CAINFO") }
        if let pin = tls.pinnedPublicKey { try set(CURLOPT_PINNEDPUBLICKEY, pin, "CURLOPT_PINNEDPUBLICKEY") }

        let user = Unmanaged.passUnretained(state).toOpaque()
        try check(fs_curl_setopt_datacb(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback), "CURLOPT_WRITEFUNCTION", url)
        try check(fs_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, user), "CURLOPT_WRITEDATA", url)
        try check(fs_curl_setopt_datacb(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback), "CURLOPT_HEADERFUNCTION", url)
        try check(fs_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, user), "CURLOPT_HEADERDATA", url)
        try set(CURLOPT_NOPROGRESS, 0, "CURLOPT_NOPROGRESS")
        try check(fs_curl_setopt_xferinfo(handle, curlProgressCallback), "CURLOPT_XFERINFOFUNCTION", url)
        try check(fs_curl_setopt_ptr(handle, CURLOPT_XFERINFODATA, user), "CURLOPT_XFERINFODATA", url)

        let sendsBody = try configureMethod(request)
        return try headerList(for: request, sendsBody: sendsBody)
    }

    /// Sets the method and body options; returns whether a body is sent.
    private func configureMethod(_ request: HTTPRequest) throws(CurlError) -> Bool {
        let url = request.url
        let method = request.method
        if method == "HEAD" {
            try check(fs_curl_setopt_long(handle, CURLOPT_NOBODY, 1), "CURLOPT_NOBODY", url)
            return false
        }
        let sendsBody = !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(method)
        if sendsBody {
            // Size first, then COPYPOSTFIELDS copies exactly that many bytes (binary-safe).
            try check(fs_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)),
                      "CURLOPT_POSTFIELDSIZE_LARGE", url)
            // A zero-length copy still needs a non-null pointer, else libcurl reads the body
            // from its default read callback (stdin).
            var body = request.body.isEmpty ? [0] : request.body
            let copied = body.withUnsafeMutableBytes { fs_curl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            try check(copied, "CURLOPT_COPYPOSTFIELDS", url)
        } else {
            try check(fs_curl_setopt_long(handle, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET", url)
        }
        // COPYPOSTFIELDS implies POST and HTTPGET implies GET; any other method is named explicitly.
        if method != (sendsBody ? "POST" : "GET") {
            try check(fs_curl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method), "CURLOPT_CUSTOMREQUEST", url)
        }
        return sendsBody
    }

    /// The caller's headers plus two removals of libcurl defaults: no `Expect: 100-continue`
    /// (it stalls a second on servers that ignore it) and, for bodies, no implied form
    /// `Content-Type` unless the caller set one.
    private func headerList(for request: HTTPRequest, sendsBody: Bool) throws(CurlError) -> UnsafeMutablePointer<curl_slist>? {
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        if !request.hasHeader("Expect") { lines.append("Expect:") }
        if sendsBody && !request.hasHeader("Content-Type") { lines.append("Content-Type:") }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlError(.other, curlCode: Int32(CURLE_OUT_OF_MEMORY.rawValue),
                                message: "curl_slist_append failed", url: request.url)
            }
            list = appended
        }
        do throws(CurlError) {
            try check(fs_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER", request.url)
        } catch {
            curl_slist_free_all(list)
            throw error
        }
        return list
    }

    private func check(_ result: CURLcode, _ what: String, _ url: String) throws(CurlError) {
        guard result == CURLE_OK else {
            let text = "\(what): \(String(cString: curl_easy_strerror(result)))"
            throw CurlError(CurlError.code(for: result) == .invalidRequest ? .invalidRequest : .other,
                            curlCode: Int32(result.rawValue), message: text, url: url)
        }
    }
}
