import HTTP
import Zlib

/// HTTP content codings of request and response bodies.
///
/// Decisions (the spec is silent on HTTP content coding):
/// 1. A request body may be sent with `Content-Encoding: gzip` (or `x-gzip`), `deflate` (zlib
///    framing, RFC 1950) or `identity`; anything else is `malformed` (400, stop). The inflated
///    body may be at most `max_body_bytes` (an enrollment: 4 KiB), else `too_large` (413, now);
///    inflation stops there, so a gzip bomb costs at most that cap plus one 64 KiB step.
/// 2. The request signature (spec §10.2) covers the body **as sent**, i.e. the coded bytes, so
///    the hub authenticates before it inflates anything.
/// 3. A response body of at least `minimumCompressedSize` bytes is gzipped when the request's
///    `Accept-Encoding` accepts gzip (q > 0) and the result is smaller; the response then has
///    `Content-Encoding: gzip` and `Vary: Accept-Encoding`.
public enum ContentCoding {
    /// Smaller response bodies are sent as they are.
    public static let minimumCompressedSize = 512

    /// The request body with its content coding removed.
    static func decodedBody(_ request: HTTPRequest, maxBytes: Int) throws(HubWireError) -> [UInt8] {
        let codings = request.headers.values(for: "Content-Encoding")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingBlanks().lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        guard let coding = codings.first else { return request.body }
        guard codings.count == 1 else {
            throw HubWireError(.malformed, "Send the request body with at most one content coding (gzip or deflate).")
        }
        let format: Zlib.Format
        switch coding {
        case "gzip", "x-gzip": format = .gzip
        case "deflate": format = .zlib
        default: throw HubWireError(.malformed, "Content-Encoding \(coding) is not supported; use gzip, deflate or none.")
        }
        do {
            return try Zlib.decompress(request.body, format: format, maxOutputBytes: maxBytes)
        } catch {
            if error.code == .outputTooLarge {
                throw HubWireError(.tooLarge, "The request body inflates to more than \(maxBytes) bytes; send smaller batches.")
            }
            throw HubWireError(.malformed, "The \(coding) request body does not inflate; fieldnode must be fixed.")
        }
    }

    /// Whether an `Accept-Encoding` value accepts gzip (RFC 9110 §12.5.3: `gzip` or `*` with
    /// q > 0, an explicit `gzip;q=0` refuses).
    static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var wildcard = false
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingBlanks().lowercased() }
            guard let name = parts.first else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if name == "gzip" || name == "x-gzip" { return q > 0 }
            if name == "*" { wildcard = q > 0 }
        }
        return wildcard
    }

    /// Gzips `response` in place when the client accepts it and it helps (decision 3).
    static func compress(_ response: inout HTTPResponse, acceptEncoding: String?) {
        guard response.body.count >= minimumCompressedSize, acceptsGzip(acceptEncoding),
              !response.headers.contains("Content-Encoding") else { return }
        let compressed = gzip(response.body)
        guard compressed.count < response.body.count else { return }
        response.body = compressed
        response.headers.set(name: "Content-Encoding", value: "gzip")
        response.headers.set(name: "Vary", value: "Accept-Encoding")
    }

    /// `bytes` gzipped (what a client sends with `Content-Encoding: gzip`).
    public static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        Zlib.compress(bytes, format: .gzip)
    }

    /// Inflates a gzip body, at most `maxBytes` (for clients reading a gzipped response).
    public static func gunzip(_ bytes: [UInt8], maxBytes: Int) throws(ZlibError) -> [UInt8] {
        try Zlib.decompress(bytes, format: .gzip, maxOutputBytes: maxBytes)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingBlanks() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isBlank($0) }) ?? first
        return self[first...last]
    }
}
