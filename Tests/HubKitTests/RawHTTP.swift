import Dispatch
import Foundation
import Glibc
import HubKit
import JSON

/// A response read off the wire by `RawHTTP`.
struct HTTPReply: Sendable {
    var status: Int
    /// Header fields with lowercased names (last one wins).
    var headers: [String: String]
    var body: [UInt8]

    var json: JSONValue? { try? JSON.parse(body) }
    /// `error.code` of an error envelope.
    var errorCode: String? { json?["error"]?["code"]?.stringValue }
    var retry: String? { json?["error"]?["retry"]?.stringValue }
    var message: String? { json?["error"]?["message"]?.stringValue }
}

struct RawHTTPError: Error, CustomStringConvertible {
    let description: String
}

/// One request per connection over loopback with plain POSIX sockets, run on a Dispatch queue
/// (never on Swift's cooperative threads, which the in-process server needs).
enum RawHTTP {
    static func request(port: Int, method: String, path: String, headers: [(String, String)] = [],
                        body: [UInt8] = []) async throws -> HTTPReply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let raw = try await exchange(port: port, Array(head.utf8) + body)
        return try parse(raw)
    }

    /// Sends `bytes` in pieces (`pause` between them, before each piece after the first run
    /// `between`), then reads to end of stream.
    static func exchange(port: Int, _ bytes: [UInt8], splitAt: Int? = nil,
                         between: (@Sendable () async -> Void)? = nil) async throws -> [UInt8] {
        let fd = try await offThread { try connect(port: port) }
        defer { Glibc.close(fd) }
        let first = splitAt.map { Array(bytes[..<$0]) } ?? bytes
        try await offThread { try sendAll(fd, first) }
        if let splitAt {
            await between?()
            try await offThread { try sendAll(fd, Array(bytes[splitAt...])) }
        }
        return try await offThread { try readAll(fd) }
    }

    static func parse(_ raw: [UInt8]) throws -> HTTPReply {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { raw[$0..<($0 + 4)].elementsEqual(separator) }) else {
            throw RawHTTPError(description: "no complete response head in \(raw.count) bytes")
        }
        var lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawHTTPError(description: "bad status line")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if let length = headers["content-length"].flatMap(Int.init), body.count > length { body = Array(body[..<length]) }
        if headers["content-encoding"] == "gzip" { body = try ContentCoding.gunzip(body, maxBytes: 64 << 20) }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw RawHTTPError(description: "connect: errno \(code)")
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw RawHTTPError(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    private static func readAll(_ fd: Int32) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return out }
            if count < 0 {
                if errno == ECONNRESET, !out.isEmpty { return out }
                throw RawHTTPError(description: "recv: errno \(errno)")
            }
            out.append(contentsOf: chunk[..<count])
        }
    }
}

/// Runs blocking work (a socket read that may wait seconds) on a thread of its own: neither on
/// Swift's cooperative threads nor on Dispatch's pool, which on Linux grows only slowly when
/// its workers block and would starve the server under test.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
