import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One blocking loopback TCP connection that writes hand-made HTTP/1.1 and reads whatever the
/// hub answers: the hostile clients of the memory section. Blocking: main thread only.
final class AttackClient {
    private let fd: Int32
    /// False once a send failed (the hub refused and closed): later sends are skipped.
    private(set) var open = true

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError(.hub, "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw BenchError(.hub, "connect to 127.0.0.1:\(port) failed: errno \(code)")
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        for option in [SO_SNDTIMEO, SO_RCVTIMEO] {
            setsockopt(fd, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    deinit { Glibc.close(fd) }

    /// A request head: `POST path` with `headers` and a `Content-Length`.
    static func head(_ path: String, contentLength: Int, headers: [(String, String)] = []) -> [UInt8] {
        var text = "POST \(path) HTTP/1.1\r\nHost: hub\r\nFS-Protocol: 1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "Content-Length: \(contentLength)\r\n\r\n").utf8)
    }

    /// Sends all of `bytes` unless the hub stops taking them (then `open` turns false).
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while open, offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { open = false } else { offset += sent }
        }
    }

    /// The status of the response that arrives within `milliseconds`; nil when none does.
    func status(within milliseconds: Int32) -> Int? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 12 else { return nil }
        return Int(String(decoding: chunk[9..<12], as: UTF8.self))
    }
}
