/// A route's path as registered: literal segments and `:name` parameters
/// (`/v1/reports/:id`).
///
/// Matching rules:
/// 1. A path is split at every `/` after the leading one, and literal segments are compared
///    with the path **as sent**: byte for byte, no percent-decoding, no case folding. So
///    `/v1/%68ealth` is not `/v1/health`, and each route has exactly one spelling.
/// 2. No trailing-slash folding, no dot-segment removal: `/a/` is the segments `a` and an empty
///    one and does not match `/a`; `/a/../b` matches only a route spelled so.
/// 3. A parameter matches exactly one non-empty segment. Its value is that segment
///    percent-decoded as UTF-8 (`%20` is a space, `%2F` a `/` inside the value, `+` stays `+`).
///    A segment with a `%` not followed by two hex digits, that is not UTF-8 once decoded, or
///    that decodes to a control character (U+0000–U+001F, U+007F) does not match, so such a
///    request falls to the router's 404.
/// 4. Precedence: a route without parameters is looked up first, by the whole path (one
///    dictionary probe: adding patterns does not slow exact routes); then patterns of the same
///    segment count, where at the first place two patterns differ in kind, a literal beats a
///    parameter (`/r/new` before `/r/:id`, `/r/:id/notes` before `/r/:id/:part`).
/// 5. Two patterns of the same shape (same literals, parameters in the same places) are one
///    route and must name their parameters alike; names are letters, digits and `_`, unique
///    within a pattern.
struct RoutePattern: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// The path as registered.
    let spelling: String
    let segments: [Segment]

    /// Parses `path` (it must start with `/`); a programming error traps, naming the route.
    init(_ path: String) {
        precondition(path.hasPrefix("/"), "route path \(path) must start with /")
        var names: Set<String> = []
        segments = Self.split(path).map { part in
            guard part.hasPrefix(":") else { return .literal(String(part)) }
            let name = String(part.dropFirst())
            precondition(!name.isEmpty && name.utf8.allSatisfy(Self.isNameByte), "route \(path): parameter :\(name) must be letters, digits or _")
            precondition(names.insert(name).inserted, "route \(path) names :\(name) twice")
            return .parameter(name)
        }
        spelling = path
    }

    /// Whether the pattern has no parameter (it is then matched by the whole path).
    var isExact: Bool {
        !segments.contains { if case .parameter = $0 { true } else { false } }
    }

    /// Whether `other` matches exactly the paths this one matches (rule 5).
    func hasShape(of other: RoutePattern) -> Bool {
        segments.count == other.segments.count && zip(segments, other.segments).allSatisfy { mine, theirs in
            switch (mine, theirs) {
            case (.literal(let a), .literal(let b)): a == b
            case (.parameter, .parameter): true
            default: false
            }
        }
    }

    /// Whether this pattern is tried before `other` (rule 4).
    func precedes(_ other: RoutePattern) -> Bool {
        for (mine, theirs) in zip(segments, other.segments) {
            switch (mine, theirs) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }

    /// The parameters when `path` (already split, see `split`) matches, else nil.
    func match(_ path: [Substring]) -> PathParameters? {
        guard path.count == segments.count else { return nil }
        // Literals first: a pattern that does not match decodes nothing.
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let text): guard part == text[...] else { return nil }
            case .parameter: guard !part.isEmpty else { return nil }
            }
        }
        var parameters = PathParameters()
        for (segment, part) in zip(segments, path) {
            guard case .parameter(let name) = segment else { continue }
            guard let value = PathParameters.percentDecoded(part) else { return nil }
            parameters.append(name: name, value: value)
        }
        return parameters
    }

    /// The segments of a path that starts with `/` (rules 1 and 2): `/` is one empty segment.
    static func split(_ path: String) -> [Substring] {
        path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
        default: false
        }
    }
}
