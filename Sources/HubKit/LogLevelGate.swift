import Synchronization
import Toolkit

/// A log level that can change while the hub runs (SIGHUP re-reads `log_level`).
///
/// `Logger` fixes its level when made; the hub's logger is made at `debug` with a sink that
/// asks this gate, which reads the journald priority prefix (`<N>`, invariant 1 of `Logger`)
/// of each line.
public final class LogLevelGate: Sendable {
    private let level: Atomic<Int>

    public init(_ level: Logger.Level) {
        self.level = Atomic(level.rawValue)
    }

    public var current: Logger.Level { Logger.Level(rawValue: level.load(ordering: .relaxed)) ?? .info }

    public func set(_ new: Logger.Level) {
        level.store(new.rawValue, ordering: .relaxed)
    }

    /// Whether a formatted line passes the current level.
    public func admits(_ line: String) -> Bool {
        let bytes = line.utf8.prefix(3)
        guard bytes.count == 3, bytes.first == UInt8(ascii: "<"), let digit = bytes.dropFirst().first,
              digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return true }
        return Int(digit - UInt8(ascii: "0")) <= level.load(ordering: .relaxed)
    }

    /// A logger at `debug` whose lines reach `sink` only when the gate admits them.
    public func logger(writingTo sink: @escaping @Sendable (String) -> Void) -> Logger {
        Logger(minimumLevel: .debug, sink: LogSink { [self] line in if admits(line) { sink(line) } })
    }
}
