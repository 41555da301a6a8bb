import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for the hub behind nginx: an HTTP/1.1 server on a Unix socket that answers every
/// request with `200` and a text body holding the request head exactly as received, then
/// `body-length: N` (the bytes of body that arrived). One connection at a time, on its own
/// thread; the listening socket is closed by `stop()`.
final class UnixEchoServer: Sendable {
    let path: String
    private let fd: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        // nginx's workers run as another user (nobody, www-data): let them connect.
        guard bound == 0, chmod(path, 0o666) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot listen on \(path): \(reason)")
        }
        let listener = fd
        let thread = Thread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    return  // stop() shut the socket down
                }
                Self.serve(connection)
                close(connection)
            }
        }
        thread.start()
    }

    /// Stops accepting; the accept thread ends.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }

    private static func serve(_ connection: Int32) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var headEnd: Int?
        var expected = 0
        while true {
            if let end = headEnd, received.count - end >= expected { break }
            let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[..<count])
            if headEnd == nil, let end = Self.headEnd(received) {
                headEnd = end
                expected = Self.contentLength(String(decoding: received[..<end], as: UTF8.self))
            }
        }
        let head = headEnd.map { String(decoding: received[..<$0], as: UTF8.self) } ?? ""
        let bodyLength = headEnd.map { received.count - $0 } ?? 0
        let body = Array("\(head)body-length: \(bodyLength)\n".utf8)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        var offset = 0
        while offset < response.count {
            let written = response[offset...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// The index just past the blank line that ends the head, if it has arrived.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count where bytes[index - 3...index].elementsEqual([13, 10, 13, 10]) {
            return index + 1
        }
        return nil
    }

    private static func contentLength(_ head: String) -> Int {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        return 0
    }
}
