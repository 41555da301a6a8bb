/// The one logger every fieldsync component is handed: fixed message text plus `key=value`
/// metadata, one event per line, with journald priority prefixes.
///
/// **Logs never contain report content.** Messages are `StaticString`s, so they cannot carry
/// interpolated data; metadata is for counts, durations, peer ids, sequence numbers, error codes
/// and reference codes — never narratives, names, phone numbers, places or any other field of
/// a report. There is deliberately no API that logs a report or an arbitrary value.
///
/// Line format (invariants):
/// 1. `<N>` priority prefix: `<3>` error, `<4>` warning, `<5>` notice, `<6>` info, `<7>` debug
///    (journald and systemd read it from stderr; see `sd-daemon(3)`).
/// 2. Then the message, then ` key=value` for each metadata entry: the logger's own metadata
///    first (in the order given to ``with(_:)``), then the event's, sorted by key; an event key
///    replaces a logger key of the same name.
/// 3. Keys keep only `A-Z a-z 0-9 _ . -`; anything else becomes `_`.
/// 4. A value is written bare unless it is empty or contains a space, `=`, `"`, `\`, or any
///    control or non-ASCII whitespace character; then it is double-quoted with `\\`, `\"`,
///    `\n`, `\r`, `\t` and `\u{XXXX}` escapes, so one event is always exactly one line.
/// 5. Values longer than ``maxValueLength`` characters are cut and end in `…`.
/// 6. The line ends with `\n` and reaches the sink as one string (one `write(2)` for stderr).
///
///     logger.info("sync finished", ["pushed": "12", "pulled": "3"])
///     // <6>sync finished pulled=3 pushed=12
public struct Logger: Sendable {
    /// How important an event is; the raw value is the syslog/journald priority.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case error = 3
        case warning = 4
        case notice = 5
        case info = 6
        case debug = 7

        /// Parses `error`, `warning`, `notice`, `info` or `debug` (any case), e.g. from a
        /// `--log-level` option.
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.description == name.lowercased() }) else {
                return nil
            }
            self = level
        }

        /// `error`, `warning`, `notice`, `info` or `debug`.
        public var description: String {
            switch self {
            case .error: "error"
            case .warning: "warning"
            case .notice: "notice"
            case .info: "info"
            case .debug: "debug"
            }
        }

        /// More severe levels sort first: `.error < .debug`.
        public static func < (lhs: Level, rhs: Level) -> Bool {
            lhs.rawValue < rhs.rawValue
        }
    }

    /// Values longer than this many characters are cut (invariant 5).
    public static let maxValueLength = 1024

    /// Events less severe than this are dropped.
    public let minimumLevel: Level
    private let sink: LogSink
    private let metadata: [(key: String, value: String)]

    /// A logger writing events at `minimumLevel` and more severe to `sink` (stderr by default).
    public init(minimumLevel: Level = .info, sink: LogSink = .standardError) {
        self.init(minimumLevel: minimumLevel, sink: sink, metadata: [])
    }

    private init(minimumLevel: Level, sink: LogSink, metadata: [(key: String, value: String)]) {
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.metadata = metadata
    }

    /// A logger that drops everything, for code paths and tests that do not care.
    public static let disabled = Logger(minimumLevel: .error, sink: .discard)

    /// A logger that adds `metadata` (e.g. `["component": "sync"]`) to every event.
    public func with(_ metadata: [String: String]) -> Logger {
        Logger(minimumLevel: minimumLevel, sink: sink, metadata: merged(with: metadata))
    }

    /// The same logger with another minimum level.
    public func withMinimumLevel(_ level: Level) -> Logger {
        Logger(minimumLevel: level, sink: sink, metadata: metadata)
    }

    /// Whether events at `level` are written.
    public func isEnabled(_ level: Level) -> Bool {
        level <= minimumLevel
    }

    /// Writes one event at `level`, if enabled.
    public func log(_ level: Level, _ message: StaticString, _ metadata: [String: String] = [:]) {
        guard isEnabled(level) else { return }
        sink.write(LogLineFormat.line(level: level, message: message.description, metadata: merged(with: metadata)))
    }

    /// This logger's metadata minus keys `added` replaces, then `added` sorted by key.
    private func merged(with added: [String: String]) -> [(key: String, value: String)] {
        let kept = metadata.filter { added[$0.key] == nil }
        return kept + added.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// Something failed and needs attention (`<3>`).
    public func error(_ message: StaticString, _ metadata: [String: String] = [:]) {
        log(.error, message, metadata)
    }

    /// Something unexpected that the program handled (`<4>`).
    public func warning(_ message: StaticString, _ metadata: [String: String] = [:]) {
        log(.warning, message, metadata)
    }

    /// A normal but significant event: started, stopped, enrolled (`<5>`).
    public func notice(_ message: StaticString, _ metadata: [String: String] = [:]) {
        log(.notice, message, metadata)
    }

    /// Routine progress: a sync finished, a batch was sent (`<6>`).
    public func info(_ message: StaticString, _ metadata: [String: String] = [:]) {
        log(.info, message, metadata)
    }

    /// Detail for debugging (`<7>`).
    public func debug(_ message: StaticString, _ metadata: [String: String] = [:]) {
        log(.debug, message, metadata)
    }
}
