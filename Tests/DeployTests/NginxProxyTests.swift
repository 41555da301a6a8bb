import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The site, run for real: nginx on loopback ports with the shipped configuration (ports and
/// socket path moved into a scratch directory), a stand-in hub on the Unix socket, and the curl
/// CLI as a field node. Proves the forwarding, the headers, request buffering, the body limit
/// and the HTTP redirect, not just the syntax.
@Suite(.serialized) struct NginxProxyTests {
    private static let curl = Tool.find("curl")
    private static let available = NginxPrefix.available && curl != nil
    private static let missing = "nginx, openssl or curl is not installed (Debian packages nginx-light, openssl, curl)"

    /// A running nginx in front of a `UnixEchoServer`; `stop()` ends both.
    private final class Running {
        let prefix: NginxPrefix
        let hub: UnixEchoServer
        let nginx: Process
        let httpPort: Int
        let httpsPort: Int

        init() throws {
            let ports = try (Running.freePort(), Running.freePort())
            (httpPort, httpsPort) = ports
            prefix = try NginxPrefix { site, dir in
                site.replacingOccurrences(of: "listen 80;", with: "listen 127.0.0.1:\(ports.0);")
                    .replacingOccurrences(of: "listen 443 ssl;", with: "listen 127.0.0.1:\(ports.1) ssl;")
                    .replacingOccurrences(of: "listen [::]:80;", with: "")
                    .replacingOccurrences(of: "listen [::]:443 ssl;", with: "")
                    .replacingOccurrences(of: "/run/fieldsync/missionhub.sock", with: "\(dir)/hub.sock")
            }
            hub = try UnixEchoServer(path: prefix.scratch.path + "/hub.sock")
            nginx = Process()
            nginx.executableURL = URL(fileURLWithPath: Tool.nginx!)
            nginx.arguments = prefix.arguments(["-g", "daemon off;"])
            nginx.standardInput = FileHandle.nullDevice
            try nginx.run()
            try waitUntilListening(httpsPort)
        }

        func stop() {
            if nginx.isRunning {
                nginx.terminate()
                nginx.waitUntilExit()
            }
            hub.stop()
        }

        /// curl against the HTTPS port, resolving hub.example.org to loopback; `-w` writes the
        /// status code last on stdout.
        func request(_ path: String, _ arguments: [String]) throws -> (status: String, body: String, headers: String) {
            let headers = prefix.scratch.path + "/headers-\(UUID().uuidString)"
            let result = try Tool.run(NginxProxyTests.curl!, [
                "-sS", "-k", "--max-time", "30", "-D", headers, "-w", "\n%{http_code}",
                "--resolve", "hub.example.org:\(httpsPort):127.0.0.1", "https://hub.example.org:\(httpsPort)\(path)",
            ] + arguments, in: prefix.scratch)
            #expect(result.status == 0, "\(result.transcript)")
            let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
            return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"),
                    (try? String(contentsOfFile: headers, encoding: .utf8)) ?? "")
        }

        private func waitUntilListening(_ port: Int) throws {
            for _ in 0..<100 {
                if Running.connects(port) { return }
                guard nginx.isRunning else { break }
                usleep(50_000)
            }
            let log = (try? String(contentsOfFile: prefix.scratch.path + "/error.log", encoding: .utf8)) ?? ""
            stop()
            throw UnixEchoServer.Failure(description: "nginx did not start listening on \(port):\n\(log)")
        }

        /// A loopback TCP port nobody listens on right now.
        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = loopback(port: 0)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard ok else { throw UnixEchoServer.Failure(description: "no free port: \(String(cString: strerror(errno)))") }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func connects(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = loopback(port: port)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        }

        private static func loopback(port: Int) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            return address
        }
    }

    private func body(_ count: Int, in scratch: ScratchDirectory) throws -> String {
        let file = scratch.path + "/body-\(count)"
        try Data(repeating: 0x61, count: count).write(to: URL(fileURLWithPath: file))
        return file
    }

    @Test(.enabled(if: available, Comment(rawValue: missing)))
    func forwardsToTheSocketWithTrustworthyHeadersAndAWholeBody() throws {
        let running = try Running()
        defer { running.stop() }
        let file = try body(100_000, in: running.prefix.scratch)
        // Sent chunked: the hub must still get one Content-Length body, read whole by nginx.
        let answer = try running.request("/v1/push", [
            "--data-binary", "@\(file)", "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/octet-stream",
            "-H", "X-Forwarded-For: 203.0.113.66", "-H", "FS-Node: 0123abcd", "-H", "FS-Counter: 7",
        ])
        #expect(answer.status == "200", "\(answer)")
        #expect(answer.body.hasPrefix("POST /v1/push HTTP/1.1\r\n"), "\(answer.body)")
        #expect(answer.body.contains("X-Forwarded-For: 127.0.0.1\r\n"), "\(answer.body)")
        #expect(!answer.body.contains("203.0.113.66"), "a client-supplied X-Forwarded-For reached the hub")
        #expect(answer.body.contains("X-Forwarded-Proto: https\r\n"), "\(answer.body)")
        #expect(answer.body.contains("FS-Node: 0123abcd\r\n") && answer.body.contains("FS-Counter: 7\r\n"))
        #expect(answer.body.contains("Content-Length: 100000\r\n"), "\(answer.body)")
        #expect(!answer.body.lowercased().contains("transfer-encoding"), "\(answer.body)")
        #expect(answer.body.hasSuffix("\r\n\r\nbody-length: 100000\n"), "\(answer.body)")
        #expect(answer.headers.contains("Strict-Transport-Security: max-age=63072000"), "\(answer.headers)")
    }

    @Test(.enabled(if: available, Comment(rawValue: missing)))
    func theBodyLimitIsTheHubsAndNoLower() throws {
        let running = try Running()
        defer { running.stop() }
        let limit = 16 * 1024 * 1024 + 64
        let atLimit = try running.request("/v1/push", ["--data-binary", "@\(try body(limit, in: running.prefix.scratch))"])
        #expect(atLimit.status == "200")
        #expect(atLimit.body.hasSuffix("\r\n\r\nbody-length: \(limit)\n"))
        let over = try running.request("/v1/push", ["--data-binary", "@\(try body(limit + 1, in: running.prefix.scratch))"])
        #expect(over.status == "413", "\(over.status)")
    }

    @Test(.enabled(if: available, Comment(rawValue: missing)))
    func plainHTTPOnlyRedirects() throws {
        let running = try Running()
        defer { running.stop() }
        let result = try Tool.run(Self.curl!, [
            "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
            "-H", "Host: hub.example.org", "http://127.0.0.1:\(running.httpPort)/v1/health",
        ], in: running.prefix.scratch)
        #expect(result.output == "301 https://hub.example.org/v1/health", "\(result.transcript)")
    }
}
