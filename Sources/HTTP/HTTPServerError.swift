/// Why the server could not start or run.
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The host is not a numeric IP address (nor `localhost`) or the port is out of range.
        case invalidAddress = "invalid_address"
        /// A live server already listens on the Unix socket path.
        case addressInUse = "address_in_use"
        /// Something other than a socket exists at the Unix socket path.
        case pathNotASocket = "path_not_a_socket"
        /// A socket, bind, listen, chmod or unlink call failed.
        case systemCall = "system_call"
        /// `run()` was called a second time.
        case alreadyRunning = "already_running"
    }

    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The address involved.
    public var address: String
    /// The failing call's errno, when a system call failed.
    public var errno: Int32?

    public init(_ code: Code, _ message: String, address: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.address = address
        self.errno = errno
    }

    public var description: String {
        "HTTPServerError(\(code.rawValue), \(address)): \(message)" + (errno.map { " [errno \($0)]" } ?? "")
    }
}
