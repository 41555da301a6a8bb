import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd about the service's state with the `sd_notify` datagram protocol, spoken
/// directly on `$NOTIFY_SOCKET` (no libsystemd).
///
/// Protocol (invariants, from `sd_notify(3)` and systemd's `NOTIFY_SOCKET` documentation):
/// 1. `$NOTIFY_SOCKET` is an absolute path of an `AF_UNIX` datagram socket, or starts with `@`
///    for the abstract namespace (the `@` becomes a leading NUL byte and the address has no
///    trailing NUL). Unset or empty: every call is a no-op.
/// 2. One message is one datagram of newline-separated `KEY=VALUE` assignments, UTF-8, no
///    trailing newline. Values never contain a newline (``status(_:)`` replaces them).
/// 3. `RELOADING=1` carries `MONOTONIC_USEC=` (CLOCK_MONOTONIC in µs), as systemd 253+
///    requires for `Type=notify-reload`.
/// 4. `$WATCHDOG_USEC` (µs, > 0) is the watchdog timeout; it applies to us only if
///    `$WATCHDOG_PID` is unset or equals our process id. Ping at half the timeout.
/// 5. Sends never block: the socket is non-blocking; a full queue is an error to log.
///
///     let notifier = SystemdNotifier()
///     try notifier.ready(status: "listening on 127.0.0.1:8080")
///     if let every = notifier.watchdogPingInterval { ... try notifier.watchdog() every `every` }
///     try notifier.stopping()
public struct SystemdNotifier: Sendable {
    /// The `$NOTIFY_SOCKET` address, or nil when not run by systemd with `Type=notify`.
    public let socketAddress: String?
    /// The watchdog timeout systemd set for this process, or nil.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                processID: Int32 = getpid()) {
        let socket = environment["NOTIFY_SOCKET"] ?? ""
        socketAddress = socket.isEmpty ? nil : socket
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
    }

    /// Whether messages go anywhere (`$NOTIFY_SOCKET` was set).
    public var isEnabled: Bool { socketAddress != nil }

    /// How often to call ``watchdog()``: half of ``watchdogInterval``.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// `READY=1`: start-up finished; with an optional status line.
    public func ready(status: String? = nil) throws(SystemdNotifyError) {
        try send(["READY=1"] + (status.map { [Self.statusAssignment($0)] } ?? []))
    }

    /// `STOPPING=1`: graceful shutdown began.
    public func stopping() throws(SystemdNotifyError) {
        try send(["STOPPING=1"])
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=`: a configuration reload began; send ``ready(status:)``
    /// when it is done.
    public func reloading() throws(SystemdNotifyError) {
        try send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"])
    }

    /// `WATCHDOG=1`: still alive.
    public func watchdog() throws(SystemdNotifyError) {
        try send(["WATCHDOG=1"])
    }

    /// `STATUS=...`: one line for `systemctl status`; newlines become spaces.
    public func status(_ text: String) throws(SystemdNotifyError) {
        try send([Self.statusAssignment(text)])
    }

    /// `EXTEND_TIMEOUT_USEC=...`: ask for more time to start or stop.
    public func extendTimeout(by duration: Duration) throws(SystemdNotifyError) {
        try send(["EXTEND_TIMEOUT_USEC=\(Self.microseconds(duration))"])
    }

    /// Sends `assignments` (each `KEY=VALUE`, no newlines) as one datagram; no-op when disabled.
    public func send(_ assignments: [String]) throws(SystemdNotifyError) {
        guard let socketAddress else { return }
        if let bad = assignments.first(where: { !$0.contains("=") || $0.contains("\n") }) {
            throw SystemdNotifyError(.invalidMessage, "notify assignment '\(bad)' must be KEY=VALUE on one line")
        }
        try NotifySocket.send(assignments.joined(separator: "\n"), to: socketAddress)
    }

    private static func statusAssignment(_ text: String) -> String {
        "STATUS=" + text.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    private static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0,
              usec <= UInt64(Int64.max) else { return nil }
        if let pidText = environment["WATCHDOG_PID"], !pidText.isEmpty, Int32(pidText) != processID {
            return nil
        }
        return .microseconds(Int64(usec))
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
