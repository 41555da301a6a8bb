/// The hub's base URL, checked once, from which endpoint URLs are built.
///
/// Rules (the spec only says "HTTPS"; these are the node's choices):
/// 1. `https://host[:port][/prefix]`, or `http://` only when the host is this machine
///    (`127.0.0.1`, `::1`, `localhost`): a hub behind nginx on the same laptop, tests, demos.
/// 2. No userinfo, query or fragment; trailing slashes are dropped, so `https://hub/` and
///    `https://hub` are the same hub.
/// 3. Endpoints are `<base>/v1/<name>`; a prefix (`https://gw/mission-x`) is kept, so a hub
///    may live under a path on a shared gateway. Request signing signs the path as sent.
public struct HubURL: Sendable, Hashable, CustomStringConvertible {
    /// The normalized base, without trailing slash.
    public let base: String
    /// The path part of the base ("" or "/prefix").
    let pathPrefix: String
    /// Scheme and authority (`https://host:port`).
    let origin: String

    public init(_ text: String) throws(SyncClientError) {
        func invalid(_ why: String) -> SyncClientError {
            SyncClientError(.invalidHubURL, "hub URL \"\(text)\" \(why); use https://HOST[:PORT] (http:// only for a hub on this machine)",
                            retry: .stop)
        }
        let lower = text.lowercased()
        let secure: Bool
        if lower.hasPrefix("https://") { secure = true } else if lower.hasPrefix("http://") { secure = false } else {
            throw invalid("does not start with https://")
        }
        let rest = text.dropFirst(secure ? 8 : 7)
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == " " || $0.isNewline }) else {
            throw invalid("has a query, fragment or space")
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty else { throw invalid("has no host") }
        guard !authority.contains("@") else { throw invalid("carries credentials") }
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        if !secure && !Self.isLoopback(host: Self.host(of: authority)) {
            throw invalid("uses plain http to another machine")
        }
        pathPrefix = path
        origin = (secure ? "https://" : "http://") + authority
        base = origin + path
    }

    /// The URL of endpoint `/v1/<name>`.
    public func endpoint(_ name: String) -> String { origin + path(name) }

    /// The request path of endpoint `/v1/<name>`, as signed (spec §10.2: without query).
    public func path(_ name: String) -> String { pathPrefix + "/v1/" + name }

    public var description: String { base }

    static func host(of authority: Substring) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }

    static func isLoopback(host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.first == "127"
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }
    }
}
