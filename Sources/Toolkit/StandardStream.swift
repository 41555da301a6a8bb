#if canImport(Glibc)
import Glibc
#endif

/// The process's standard output or standard error, written with `write(2)` and no buffering,
/// so text shows up in order with log lines and survives an immediate `exit`.
public enum StandardStream: Sendable {
    /// File descriptor 1.
    case output
    /// File descriptor 2.
    case error

    /// The file descriptor number.
    public var fileDescriptor: Int32 {
        switch self {
        case .output: STDOUT_FILENO
        case .error: STDERR_FILENO
        }
    }

    /// Writes `text` as is (add the newline yourself). A closed or full stream loses the text:
    /// there is nowhere left to report that.
    public func write(_ text: String) {
        _ = SystemCall.writeAll(text, to: fileDescriptor)
    }
}
