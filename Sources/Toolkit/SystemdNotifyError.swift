/// A message could not be sent to systemd's notification socket.
public struct SystemdNotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// `$NOTIFY_SOCKET` is neither an absolute path nor `@abstract`, or is too long.
        case invalidAddress
        /// An assignment was not `KEY=VALUE` on one line.
        case invalidMessage
        /// `socket(2)` failed.
        case socketFailed
        /// `sendto(2)` failed (no listener, queue full, permission).
        case sendFailed
    }

    /// What went wrong.
    public let code: Code
    /// What went wrong, with the address and the system's reason.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
