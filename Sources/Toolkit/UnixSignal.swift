#if canImport(Glibc)
import Glibc
#endif

/// A Unix signal a service may want to handle, for ``UnixSignals``.
public struct UnixSignal: Hashable, Sendable, CustomStringConvertible {
    /// The signal number, e.g. `SIGTERM`.
    public let rawValue: Int32
    /// The conventional name, e.g. `SIGTERM`.
    public let description: String

    private init(_ rawValue: Int32, _ name: String) {
        self.rawValue = rawValue
        self.description = name
    }

    /// Termination request: systemd's stop, `kill`. Stop gracefully.
    public static let term = UnixSignal(SIGTERM, "SIGTERM")
    /// Interrupt: Ctrl-C at a terminal.
    public static let int = UnixSignal(SIGINT, "SIGINT")
    /// Hang-up; by convention, reload configuration (`systemctl reload`).
    public static let hup = UnixSignal(SIGHUP, "SIGHUP")
    /// Quit: Ctrl-\ at a terminal.
    public static let quit = UnixSignal(SIGQUIT, "SIGQUIT")
    /// User-defined signal 1.
    public static let usr1 = UnixSignal(SIGUSR1, "SIGUSR1")
    /// User-defined signal 2.
    public static let usr2 = UnixSignal(SIGUSR2, "SIGUSR2")
    /// Write to a closed pipe or socket; servers ignore it with ``UnixSignals/ignore(_:)``.
    public static let pipe = UnixSignal(SIGPIPE, "SIGPIPE")
}
