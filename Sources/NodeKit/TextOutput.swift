import Toolkit

/// Where a command writes its results or its errors: the process's stdout/stderr, or a buffer
/// a test reads back.
public protocol TextOutput: AnyObject {
    /// Writes `text` as is (add the newline yourself).
    func write(_ text: String)
}

/// stdout or stderr of the process, written unbuffered (see `StandardStream`), so a line is out
/// before the next step starts: `debug burst` prints each reference after its commit and a
/// test that kills the process relies on that.
public final class StandardOutput: TextOutput {
    private let stream: StandardStream

    /// Writes to `stream`.
    public init(_ stream: StandardStream) {
        self.stream = stream
    }

    public func write(_ text: String) {
        stream.write(text)
    }
}

/// Collects everything written, for tests.
public final class CapturedOutput: TextOutput {
    /// Everything written so far.
    public private(set) var text = ""

    /// An empty buffer.
    public init() {}

    public func write(_ text: String) {
        self.text += text
    }

    /// The text split into lines (without a last empty one).
    public var lines: [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
