/// A service of a ``ServiceGroup`` ended by itself or failed; the program must exit non-zero
/// (``exitCode``), so that systemd's `Restart=on-failure` starts it again.
public struct ServiceGroupError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The service returned although nobody asked it to stop.
        case serviceEnded
        /// The service threw (`underlying`).
        case serviceFailed
    }

    public let code: Code
    /// The service's ``Service/name``.
    public let service: String
    /// What the service threw, for `serviceFailed`.
    public let underlying: (any Error)?

    public init(_ code: Code, service: String, underlying: (any Error)? = nil) {
        self.code = code
        self.service = service
        self.underlying = underlying
    }

    /// One line for the log and stderr: which service, and what it threw.
    public var message: String {
        switch code {
        case .serviceEnded: "the \(service) service stopped by itself"
        case .serviceFailed: "the \(service) service failed: \(underlying.map { String(describing: $0) } ?? "unknown error")"
        }
    }

    public var description: String { message }

    /// 70 (`EX_SOFTWARE`): not the operator's doing; systemd restarts the service
    /// (the units prevent a restart only for 1 and 64).
    public var exitCode: ExitCode { .internalError }
}
