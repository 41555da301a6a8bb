import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for the Curl tests: POSIX sockets, one thread per
/// connection, keep-alive, and replies chosen per request by a handler (including misbehaviour:
/// stalls, cut-off bodies, endless bodies).
final class CurlTestServer: Sendable {
    struct Request: Sendable {
        let method: String
        let target: String
        /// Names lowercased, in arrival order.
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        /// When the request had fully arrived.
        let receivedAt: Date

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    }

    enum Reply: Sendable {
        /// A complete response with Content-Length; the connection stays open for more.
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        /// Send nothing and hold the connection until the client gives up.
        case stall
        /// Send these raw bytes, then close the connection.
        case rawThenClose([UInt8])
        /// Send a 200 header without Content-Length, then up to `totalBytes` of body, then close.
        case endless(totalBytes: Int)
    }

    private struct State {
        var requests: [Request] = []
        var stallEnds: [Date] = []
        var connections = 0
        var stopped = false
        var clientSockets: Set<Int32> = []
    }

    let port: UInt16
    private let listener: Int32
    private let state = Mutex(State())
    private let handler: @Sendable (Request) -> Reply

    init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { state.withLock { $0.requests } }
    var connectionCount: Int { state.withLock { $0.connections } }
    /// When each `.stall` reply saw the client close its connection: measured here, on the
    /// server's own thread, so test timings do not include the Swift task scheduler's delays.
    var stallEnds: [Date] { state.withLock { $0.stallEnds } }

    /// The first stall end, waiting up to two seconds for the server thread to notice it.
    func firstStallEnd() async throws -> Date? {
        for _ in 0..<200 {
            if let end = stallEnds.first { return end }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Stops accepting, wakes every connection thread and closes their sockets.
    func stop() {
        let sockets = state.withLock { state -> Set<Int32> in
            state.stopped = true
            return state.clientSockets
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            state.withLock {
                $0.connections += 1
                $0.clientSockets.insert(client)
            }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            state.withLock { _ = $0.clientSockets.remove(fd) }
            close(fd)
        }
        var buffer: [UInt8] = []
        while !isStopped {
            guard let request = readRequest(fd, buffer: &buffer) else { return }
            state.withLock { $0.requests.append(request) }
            switch handler(request) {
            case let .respond(status, headers, body):
                var head = "HTTP/1.1 \(status) Test\r\nContent-Length: \(body.count)\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                guard send(fd, Array((head + "\r\n").utf8) + body) else { return }
            case .stall:
                // Wait for the client to close (recv returns 0) or the server to stop.
                var byte: UInt8 = 0
                while !isStopped && waitReadable(fd, milliseconds: 5) == false {}
                if recv(fd, &byte, 1, 0) == 0 {
                    let now = Date()
                    state.withLock { $0.stallEnds.append(now) }
                }
                return
            case let .rawThenClose(bytes):
                _ = send(fd, bytes)
                return
            case let .endless(totalBytes):
                guard send(fd, Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8)) else { return }
                let chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
                var sent = 0
                while sent < totalBytes, send(fd, chunk) { sent += chunk.count }
                return
            }
        }
    }

    /// True when `fd` has data or EOF within the wait.
    private func waitReadable(_ fd: Int32, milliseconds: Int32 = 100) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, milliseconds) > 0
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Reads one request (head plus Content-Length body); nil on EOF, error or stop.
    private func readRequest(_ fd: Int32, buffer: inout [UInt8]) -> Request? {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while true {
            if let end = buffer.firstRange(of: separator)?.upperBound { headEnd = end; break }
            guard fill(fd, &buffer) else { return nil }
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: buffer[..<(headEnd - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.name == "content-length" }?.value ?? "0") ?? 0
        while buffer.count < headEnd + length {
            guard fill(fd, &buffer) else { return nil }
        }
        let body = Array(buffer[headEnd..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body,
                       receivedAt: Date())
    }

    /// Appends what the socket has; false on EOF, error or stop.
    private func fill(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        while !isStopped {
            guard waitReadable(fd) else { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer += chunk[..<count]
            return true
        }
        return false
    }

    /// A port on 127.0.0.1 with nothing listening (bound, read, closed).
    static func closedPort() throws -> UInt16 {
        let server = try CurlTestServer { _ in .stall }
        let port = server.port
        server.stop()
        // The accept thread closes the listener; wait until connecting is refused.
        for _ in 0..<100 where isListening(port) { usleep(10_000) }
        return port
    }

    private static func isListening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
