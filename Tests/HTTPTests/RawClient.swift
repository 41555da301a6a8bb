import Dispatch
import Foundation
import Glibc

struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// A response as the raw client read it off the wire.
struct RawResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking POSIX socket client for loopback tests. Every blocking call runs on the client's
/// own Dispatch queues, never on Swift's cooperative threads (which the server needs). Sends
/// and receives have separate queues so a test can trickle bytes while a read blocks.
final class RawClient: @unchecked Sendable {  // `pending` is touched only on `queue`
    private let fd: Int32
    private let queue = DispatchQueue(label: "raw-client.receive")
    private let sendQueue = DispatchQueue(label: "raw-client.send")
    private var pending: [UInt8] = []

    private init(fd: Int32) {
        self.fd = fd
    }

    static func connect(port: Int, receiveTimeout: Double = 5) async throws -> RawClient {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return try await connect(family: AF_INET, address: address, receiveTimeout: receiveTimeout)
    }

    static func connect(unixPath: String, receiveTimeout: Double = 5) async throws -> RawClient {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(unixPath.utf8)) }
        return try await connect(family: AF_UNIX, address: address, receiveTimeout: receiveTimeout)
    }

    private static func connect<A: Sendable>(family: Int32, address: A, receiveTimeout: Double) async throws -> RawClient {
        try await offThread {
            let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw ClientError(description: "socket: errno \(errno)") }
            var address = address
            let result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<A>.size))
                }
            }
            guard result == 0 else {
                let code = errno
                Glibc.close(fd)
                throw ClientError(description: "connect: errno \(code)")
            }
            var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout.truncatingRemainder(dividingBy: 1)) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            return RawClient(fd: fd)
        }
    }

    /// The errno of a connect attempt that should fail (0 when it succeeded).
    static func connectErrno(port: Int) async -> Int32 {
        do {
            let client = try await connect(port: port)
            client.close()
            return 0
        } catch let error as ClientError {
            return Int32(error.description.split(separator: " ").last.flatMap { Int32($0) } ?? -1)
        } catch {
            return -1
        }
    }

    func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await run(on: sendQueue) {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { throw ClientError(description: "send: errno \(errno)") }
                offset += sent
            }
        }
    }

    /// Reads one response (an interim 1xx too), leaving any bytes after it for the next call.
    func readResponse() async throws -> RawResponse {
        try await run {
            while true {
                if let response = try self.takeResponse() { return response }
                guard try self.fill() else { throw ClientError(description: "connection closed before a full response") }
            }
        }
    }

    /// Reads until the server closes; returns what arrived and whether the end was a clean EOF
    /// (false: reset or timeout).
    func readToEnd() async -> (bytes: [UInt8], cleanEOF: Bool) {
        await run {
            do {
                while try self.fill() {}
                let bytes = self.pending
                self.pending = []
                return (bytes, true)
            } catch {
                return (self.pending, false)
            }
        }
    }

    /// Shuts down the sending side (the server sees end of input).
    func shutdownWrite() {
        queue.sync { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
    }

    func close() {
        queue.sync { _ = Glibc.close(fd) }
    }

    /// One recv; false at EOF, throws on error or timeout.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw ClientError(description: "recv: errno \(errno)") }
        pending.append(contentsOf: chunk[0..<count])
        return count > 0
    }

    private func takeResponse() throws -> RawResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, pending.count - 3)).first(where: { pending[$0..<($0 + 4)].elementsEqual(separator) }) else {
            return nil
        }
        let head = String(decoding: pending[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw ClientError(description: "bad status line in \(head)")
        }
        let headers = lines.map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        let bodyStart = end + 4
        guard pending.count >= bodyStart + length else { return nil }
        let body = Array(pending[bodyStart..<(bodyStart + length)])
        pending.removeFirst(bodyStart + length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    private func run<T: Sendable>(on queue: DispatchQueue? = nil,
                                  _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            (queue ?? self.queue).async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}

/// Runs blocking work on a Dispatch thread.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
