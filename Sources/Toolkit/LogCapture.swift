/// Collects log lines in memory, for tests that assert what was logged.
///
///     let capture = LogCapture()
///     let logger = Logger(minimumLevel: .debug, sink: capture.sink)
///     ...
///     #expect(capture.lines == ["<6>sync finished pulled=3 pushed=12"])
public final class LogCapture: Sendable {
    private let storage = Locked<[String]>([])

    /// An empty capture.
    public init() {}

    /// A sink appending to this capture; safe to use from several tasks at once.
    public var sink: LogSink {
        LogSink { [storage] line in
            storage.withLock { $0.append(line) }
        }
    }

    /// The lines captured so far, in order, without their trailing newline.
    public var lines: [String] {
        storage.withLock { lines in
            lines.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }
        }
    }
}
