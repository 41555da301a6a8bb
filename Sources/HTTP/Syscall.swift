import Glibc

/// The one seam in front of every system call the server makes. Each function returns the
/// call's result or its errno; `-1`/`errno`/`EINTR` are handled in `valueOrErrno` only.
enum Syscall {
    /// Runs `body` until it returns something other than -1, or fails with an errno other than
    /// EINTR (when `retryOnInterrupt`). Modelled on swift-system's `valueOrErrno`.
    @inline(__always)
    static func valueOrErrno<I: FixedWidthInteger>(retryOnInterrupt: Bool = true,
                                                  _ body: () -> I) -> Result<I, SystemErrno> {
        while true {
            let result = body()
            if result != -1 { return .success(result) }
            let error = SystemErrno.current
            if retryOnInterrupt, error.rawValue == EINTR { continue }
            return .failure(error)
        }
    }

    /// A non-blocking, close-on-exec stream socket (the corresponding C function is `socket`).
    static func streamSocket(family: Int32) -> Result<Int32, SystemErrno> {
        let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        return valueOrErrno { socket(family, type, 0) }
    }

    /// Sets an integer socket option (`setsockopt`).
    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) -> Result<Void, SystemErrno> {
        var value = value
        return valueOrErrno {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }.map { _ in () }
    }

    static func bind(_ fd: Int32, _ address: SocketAddress) -> Result<Void, SystemErrno> {
        address.withSockaddr { pointer, length in
            valueOrErrno { Glibc.bind(fd, pointer, length) }
        }.map { _ in () }
    }

    static func connect(_ fd: Int32, _ address: SocketAddress) -> Result<Void, SystemErrno> {
        address.withSockaddr { pointer, length in
            valueOrErrno { Glibc.connect(fd, pointer, length) }
        }.map { _ in () }
    }

    static func listen(_ fd: Int32, backlog: Int32) -> Result<Void, SystemErrno> {
        valueOrErrno { Glibc.listen(fd, backlog) }.map { _ in () }
    }

    /// Accepts one connection and makes it non-blocking and close-on-exec (`accept`, then
    /// `fcntl`: Glibc's module does not export `accept4`, which needs _GNU_SOURCE). The server
    /// never forks, so the window before FD_CLOEXEC is set does not leak descriptors.
    static func accept(_ fd: Int32) -> Result<(fd: Int32, peer: HTTPPeerAddress), SystemErrno> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let accepted = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                valueOrErrno { Glibc.accept(fd, address, &length) }
            }
        }
        return accepted.flatMap { client in
            let configured = valueOrErrno { fcntl(client, F_GETFL) }
                .flatMap { flags in valueOrErrno { fcntl(client, F_SETFL, flags | O_NONBLOCK) } }
                .flatMap { _ in valueOrErrno { fcntl(client, F_SETFD, FD_CLOEXEC) } }
            switch configured {
            case .success:
                return .success((client, SocketAddress.peer(from: storage)))
            case .failure(let error):
                _ = close(client)  // the fcntl error is the one worth reporting
                return .failure(error)
            }
        }
    }

    /// The port a TCP socket is bound to (`getsockname`).
    static func localPort(_ fd: Int32) -> Result<Int, SystemErrno> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                valueOrErrno { getsockname(fd, address, &length) }
            }
        }
        return result.map { _ in
            if case .inet(_, let port) = SocketAddress.peer(from: storage) { return port }
            return 0
        }
    }

    /// Reads what is available into `buffer` (`recv`); 0 means the peer ended its side.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, SystemErrno> {
        valueOrErrno { recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// Writes what the socket takes now (`send` with MSG_NOSIGNAL: a closed peer yields EPIPE,
    /// never SIGPIPE).
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Result<Int, SystemErrno> {
        valueOrErrno { Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Shuts down one or both directions (`shutdown`); `how` is SHUT_WR or SHUT_RDWR.
    static func shutdown(_ fd: Int32, _ how: Int32) -> Result<Void, SystemErrno> {
        valueOrErrno { Glibc.shutdown(fd, how) }.map { _ in () }
    }

    /// Closes a descriptor. Never retried on EINTR: on Linux the descriptor is gone either way.
    static func close(_ fd: Int32) -> Result<Void, SystemErrno> {
        valueOrErrno(retryOnInterrupt: false) { Glibc.close(fd) }.map { _ in () }
    }

    static func unlink(_ path: String) -> Result<Void, SystemErrno> {
        valueOrErrno { Glibc.unlink(path) }.map { _ in () }
    }

    static func chmod(_ path: String, _ mode: mode_t) -> Result<Void, SystemErrno> {
        valueOrErrno { Glibc.chmod(path, mode) }.map { _ in () }
    }

    /// File type bits and inode of `path` without following a symlink (`lstat`).
    static func fileIdentity(_ path: String) -> Result<(isSocket: Bool, inode: UInt64), SystemErrno> {
        var info = stat()
        return valueOrErrno { lstat(path, &info) }.map { _ in
            ((info.st_mode & S_IFMT) == S_IFSOCK, UInt64(info.st_ino))
        }
    }
}
