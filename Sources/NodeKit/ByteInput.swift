#if canImport(Glibc)
import Glibc
#endif

/// What a command reads from: the process's standard input, or bytes given by a test.
///
/// Two ways to read, sharing one position: `readLine()` for interactive answers and
/// `read(upTo:)` for a whole document (`report add --json -`). Reading never goes past what is
/// asked for by more than one buffer, and `read(upTo:)` stops at its limit, so a huge input is
/// never read whole.
public final class ByteInput {
    private enum Source {
        case descriptor(Int32)
        case bytes([UInt8])
    }

    private let source: Source
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false

    /// The process's standard input (file descriptor 0).
    public static func standardInput() -> ByteInput { ByteInput(fileDescriptor: STDIN_FILENO) }

    /// Reads from an open file descriptor (not closed by this object).
    public init(fileDescriptor: Int32) {
        source = .descriptor(fileDescriptor)
    }

    /// Reads `bytes`, then reports end of input.
    public init(bytes: [UInt8]) {
        source = .bytes(bytes)
        buffer = bytes
        ended = true
    }

    /// Reads the UTF-8 of `text`, then reports end of input.
    public convenience init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// True when this reads the process's own standard input (so Ctrl-C at the terminal
    /// concerns the command reading it).
    var isProcessStandardInput: Bool {
        if case .descriptor(let fd) = source { return fd == STDIN_FILENO }
        return false
    }

    /// The next line without `\n` (and a `\r` before it), or nil at end of input. A last line
    /// without a newline is returned as is.
    public func readLine() -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[position..<newline])
                position = newline + 1
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if !fill() {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return String(decoding: line, as: UTF8.self)
            }
        }
    }

    /// Reads until end of input or until `limit` bytes, whichever comes first.
    public func read(upTo limit: Int) throws(InputError) -> [UInt8] {
        while buffer.count - position < limit {
            if try !fillOrThrow() { break }
        }
        let end = min(buffer.count, position + limit)
        let bytes = Array(buffer[position..<end])
        position = end
        return bytes
    }

    /// The error that ended `readLine` input early, if reading failed rather than ended.
    public private(set) var readError: InputError?

    /// Reads one more chunk into the buffer; false at end of input or on a read error, which
    /// ends line input (kept in `readError` for the caller to report).
    private func fill() -> Bool {
        do {
            return try fillOrThrow()
        } catch {
            readError = error
            ended = true
            return false
        }
    }

    private func fillOrThrow() throws(InputError) -> Bool {
        guard case .descriptor(let fd) = source, !ended else { return false }
        if position > 0, position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[0..<count]
                return true
            }
            if count == 0 {
                ended = true
                return false
            }
            if errno == EINTR { continue }
            throw InputError(errno: errno)
        }
    }
}

/// Reading the standard input failed (not end of input: an I/O error).
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `errno` of the failed `read(2)`.
    public let errno: Int32

    /// The system's text for `errno`, e.g. "Input/output error".
    public var description: String { String(cString: strerror(errno)) }
}
