/// Where a ``Logger`` puts its lines.
///
/// A sink receives each event as one complete line, newline included, and must write it as a
/// whole (the stderr sink uses a single `write(2)`), so lines from concurrent tasks never mix.
public struct LogSink: Sendable {
    private let writeLine: @Sendable (String) -> Void

    /// A sink calling `writeLine` with each complete line (ending in `\n`), possibly from
    /// several threads at once.
    public init(_ writeLine: @escaping @Sendable (String) -> Void) {
        self.writeLine = writeLine
    }

    /// Hands one complete line to the sink.
    public func write(_ line: String) {
        writeLine(line)
    }

    /// Standard error, where systemd and journald expect service logs.
    public static let standardError = LogSink.fileDescriptor(StandardStream.error.fileDescriptor)

    /// A file descriptor the caller keeps open for as long as the sink is used. A failed write
    /// loses the line: there is nowhere left to report it.
    public static func fileDescriptor(_ fd: Int32) -> LogSink {
        LogSink { line in
            _ = SystemCall.writeAll(line, to: fd)
        }
    }

    /// Drops every line.
    public static let discard = LogSink { _ in }
}
