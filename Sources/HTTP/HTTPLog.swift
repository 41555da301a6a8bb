/// Severity of a message the HTTP module logs. Raw values are the syslog / journald priorities
/// (`<3>` error … `<7>` debug), so a journald-style logger can print `<\(rawValue)>` directly.
public enum HTTPLogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 3
    case warning = 4
    case notice = 5
    case info = 6
    case debug = 7

    /// More severe levels compare as smaller, as syslog priorities do.
    public static func < (lhs: HTTPLogLevel, rhs: HTTPLogLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// Where the HTTP module sends its log lines: a fixed message text plus key=value metadata.
///
/// The hub plugs its own logger in with a closure; the module depends on no logger type.
public typealias HTTPLogHandler = @Sendable (HTTPLogLevel, String, [String: String]) -> Void

/// Log handlers the module offers itself.
public enum HTTPLog {
    /// Drops every message (the default when no handler is given).
    public static let discard: HTTPLogHandler = { _, _, _ in }
}
