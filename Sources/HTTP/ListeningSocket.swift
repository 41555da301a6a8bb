import Glibc

/// A bound, listening, non-blocking socket: TCP or Unix domain.
struct ListeningSocket: Sendable {
    let fd: Int32
    /// The bound TCP port (the ephemeral one when 0 was asked for); nil for a Unix socket.
    let port: Int?
    /// The Unix socket path and the inode of the socket file this server created.
    let unixSocket: (path: String, inode: UInt64)?

    /// Creates, binds and listens. Nothing here can block: no DNS, a local connect at most.
    static func open(_ configuration: HTTPServerConfiguration) throws(HTTPServerError) -> ListeningSocket {
        let address = configuration.address
        let name = address.description
        let socketAddress: SocketAddress
        switch address {
        case .tcp(let host, let port):
            guard let resolved = SocketAddress(host: host, port: port) else {
                throw HTTPServerError(.invalidAddress,
                                      "listen on a numeric IP address (or localhost) and a port in 0...65535",
                                      address: name)
            }
            socketAddress = resolved
        case .unix(let path):
            guard let resolved = SocketAddress(unixPath: path) else {
                throw HTTPServerError(.invalidAddress,
                                      "the socket path must be 1...\(SocketAddress.maxUnixPathBytes) bytes; use a shorter path",
                                      address: name)
            }
            try removeStaleSocket(at: path, address: resolved, name: name)
            socketAddress = resolved
        }

        let fd = try check(Syscall.streamSocket(family: socketAddress.family), "socket", name)
        do {
            if case .tcp = address {
                try check(Syscall.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1), "setsockopt", name)
            }
            try check(Syscall.bind(fd, socketAddress), "bind", name)
            var unixSocket: (path: String, inode: UInt64)?
            if case .unix(let path) = address {
                try check(Syscall.chmod(path, mode_t(configuration.unixSocketPermissions)), "chmod", name)
                let identity = try check(Syscall.fileIdentity(path), "lstat", name)
                unixSocket = (path, identity.inode)
            }
            try check(Syscall.listen(fd, backlog: configuration.backlog), "listen", name)
            var port: Int?
            if case .tcp = address { port = try check(Syscall.localPort(fd), "getsockname", name) }
            return ListeningSocket(fd: fd, port: port, unixSocket: unixSocket)
        } catch {
            _ = Syscall.close(fd)  // the error being thrown is the one to report
            throw error
        }
    }

    /// Removes the socket file this server created, unless someone replaced it since.
    func removeSocketFile() -> Result<Void, SystemErrno> {
        guard let unixSocket else { return .success(()) }
        switch Syscall.fileIdentity(unixSocket.path) {
        case .success(let identity) where identity.isSocket && identity.inode == unixSocket.inode:
            return Syscall.unlink(unixSocket.path)
        case .success:
            return .success(())
        case .failure(let error) where error.rawValue == ENOENT:
            return .success(())
        case .failure(let error):
            return .failure(error)
        }
    }

    /// Unlinks a socket file nobody listens on; refuses a live socket or any other file.
    private static func removeStaleSocket(at path: String, address: SocketAddress,
                                          name: String) throws(HTTPServerError) {
        switch Syscall.fileIdentity(path) {
        case .failure(let error) where error.rawValue == ENOENT:
            return
        case .failure(let error):
            throw failure("lstat", error, name)
        case .success(let identity) where !identity.isSocket:
            throw HTTPServerError(.pathNotASocket,
                                  "\(path) exists and is not a socket; remove it or choose another path",
                                  address: name)
        case .success:
            break
        }
        let probe = try check(Syscall.streamSocket(family: AF_UNIX), "socket", name)
        defer { _ = Syscall.close(probe) }  // a probe socket; nothing useful to do if close fails
        switch Syscall.connect(probe, address) {
        case .success:
            throw HTTPServerError(.addressInUse,
                                  "another server listens on \(path); stop it or choose another path",
                                  address: name)
        case .failure(let error) where error.isWouldBlock:
            // A live listener whose backlog is full still counts as live.
            throw HTTPServerError(.addressInUse,
                                  "another server listens on \(path); stop it or choose another path",
                                  address: name)
        case .failure:
            try check(Syscall.unlink(path), "unlink", name)
        }
    }

    @discardableResult
    private static func check<T>(_ result: Result<T, SystemErrno>, _ call: String,
                                 _ name: String) throws(HTTPServerError) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error): throw failure(call, error, name)
        }
    }

    private static func failure(_ call: String, _ error: SystemErrno, _ name: String) -> HTTPServerError {
        let hint: String
        switch error.rawValue {
        case EADDRINUSE: hint = "the address is in use; stop the other server or choose another port"
        case EACCES, EPERM: hint = "permission denied; use a port above 1023 or a writable directory"
        case EADDRNOTAVAIL: hint = "no local interface has that address; check the host"
        default: hint = "check the address and the system's limits"
        }
        return HTTPServerError(.systemCall, "\(call) failed with \(error.name): \(hint)",
                               address: name, errno: error.rawValue)
    }
}
