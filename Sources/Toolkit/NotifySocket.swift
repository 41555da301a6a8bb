#if canImport(Glibc)
import Glibc
#endif

/// One `sendto(2)` of a datagram to an `AF_UNIX` address given as systemd writes it: an
/// absolute path, or `@name` for the abstract namespace.
enum NotifySocket {
    static func send(_ message: String, to address: String) throws(SystemdNotifyError) {
        var socketAddress = sockaddr_un()
        let length = try fill(&socketAddress, with: address)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                        | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else {
            throw SystemdNotifyError(.socketFailed, "cannot create a notify socket: \(Errno(errno))")
        }
        defer { close(fd) }
        let bytes = Array(message.utf8)
        let sent = SystemCall.retryingOnInterrupt {
            withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), raw, length)
                }
            }
        }
        switch sent {
        case .success(let count) where count == bytes.count:
            return
        case .success(let count):
            throw SystemdNotifyError(.sendFailed, "sent \(count) of \(bytes.count) bytes to NOTIFY_SOCKET \(address)")
        case .failure(let error):
            throw SystemdNotifyError(.sendFailed, "cannot send to NOTIFY_SOCKET \(address): \(error)")
        }
    }

    /// Writes `address` into `socketAddress`; returns the address length to pass to `sendto`.
    static func fill(_ socketAddress: inout sockaddr_un, with address: String) throws(SystemdNotifyError) -> socklen_t {
        var path = Array(address.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        guard abstract || path.first == UInt8(ascii: "/"), path.count > 1 else {
            throw SystemdNotifyError(.invalidAddress,
                                     "NOTIFY_SOCKET '\(address)' is neither an absolute path nor an @abstract name")
        }
        if abstract { path[0] = 0 } else { path.append(0) }
        let capacity = MemoryLayout.size(ofValue: socketAddress.sun_path)
        guard path.count <= capacity else {
            throw SystemdNotifyError(.invalidAddress, "NOTIFY_SOCKET '\(address)' is longer than \(capacity - 1) bytes")
        }
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { buffer in
            buffer.copyBytes(from: path)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? MemoryLayout<sa_family_t>.size
        return socklen_t(pathOffset + path.count)
    }
}
