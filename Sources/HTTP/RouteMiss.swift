/// Why a router served no route: the path has none (404), or it has routes for other methods
/// only (405). A router hands it to its `fallback`, whose default throws it.
///
/// As an `HTTPResponseError` it is the module's JSON error envelope (`not_found` or
/// `method_not_allowed`, retry `stop`); a 405 lists the allowed methods in `Allow`. A mount's
/// middleware may catch it to answer in its own format, or the mounted router's `fallback`
/// may answer it directly.
public struct RouteMiss: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No route has the path (404).
        case notFound
        /// Routes have the path, none for the method (405).
        case methodNotAllowed
    }

    public var kind: Kind
    /// The request's method and path, as sent.
    public var method: String
    public var path: String
    /// The methods the path has routes for, sorted (`HEAD` included wherever `GET` is); empty
    /// for `notFound`.
    public var allowedMethods: [String]

    public init(_ kind: Kind, method: String, path: String, allowedMethods: [String] = []) {
        self.kind = kind
        self.method = method
        self.path = path
        self.allowedMethods = allowedMethods
    }

    /// The `Allow` field value: the allowed methods joined by `, `.
    public var allow: String { allowedMethods.joined(separator: ", ") }

    public var status: Int { kind == .notFound ? 404 : 405 }

    public var publicMessage: String {
        switch kind {
        case .notFound: "no such endpoint: \(path); check the URL"
        case .methodNotAllowed: "\(method) is not allowed here; use \(allow)"
        }
    }

    public var headers: [(String, String)] {
        kind == .methodNotAllowed ? [("Allow", allow)] : []
    }

    public var description: String { "RouteMiss(\(status) \(method) \(path))" }
}
