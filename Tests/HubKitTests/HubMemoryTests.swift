import Foundation
import Glibc
@testable import HubKit
import SyncEngine
import SyncProtocol
import Testing

/// The hub's memory under hostile but authenticated load, measured on a real `missionhub
/// serve` process (its peak resident set, `VmHWM`), bounded by figures derived from its
/// configured limits. Speed is not asserted; memory is.
@Suite(.serialized) struct HubMemoryTests {
    /// 500 reference ops of 200 KiB each (100 MB of bodies); a node pulls with max bytes
    /// 16 MiB against the default `max_pull_bytes` (256 KiB). The hub may hold one page (and its
    /// encodings), not the 1000 rows a page may examine: its peak grows by less than
    /// 32 MiB + 8 × max_pull_bytes (34 MiB), where materialising the rows costs over 100 MB.
    @Test func aPullHoldsOnlyItsPageNotTheRowsItMayExamine() async throws {
        let directory = temporaryDirectory("memory-pull")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let node = try TestNode()
        try await offThread {
            let store = try HubStore.create(dataDirectory: directory + "/data", mission: "MINUSCA", options: HubStore.options())
            let big = String(repeating: "x", count: 200 * 1024)
            for first in stride(from: 0, to: 500, by: 50) {
                try store.write { tx in
                    for i in first..<(first + 50) { try tx.set("ref.attachments", "a\(i)", "text", .string(big)) }
                }
            }
            let registry = NodeRegistry(store: store)
            let now = Store.systemMilliseconds()
            let token = try registry.issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: now).token
            _ = try registry.redeem(tokenHash: EnrollmentToken.hash(token), nodeID: node.id,
                                    publicKey: node.key.publicKey.rawRepresentation, now: now)
        }
        let hub = try await ServeProcess.start(dataDirectory: directory + "/data", config: nil, in: directory)
        defer { hub.kill() }
        let idle = try hub.peakKiB()
        let body = PullRequest(cursor: 0, maxBytes: 16 << 20).encode()
        let reply = try await RawHTTP.request(port: hub.port, method: "POST", path: "/v1/pull",
                                              headers: node.signedHeaders("POST", "/v1/pull", body: body), body: body)
        try #require(reply.status == 200)
        let page = try PullResponse.decode(reply.body)
        #expect(page.ops.count == 1 && page.more)
        let grown = try hub.peakKiB() - idle
        print("pull of one 256 KiB page over 500 x 200 KiB ops: hub peak grew by \(grown) KiB")
        #expect(grown < (32 << 10) + 8 * 256)
    }

    /// 96 connections each send a head declaring 1 MiB (`max_body_bytes`) and 960 KiB of it,
    /// then hold. With `max_buffered_request_bytes` 4 MiB the hub answers 503 `unavailable`
    /// (Retry-After) to those that would pass it, and its peak grows by less than
    /// 2 × 4 MiB + 96 × 128 KiB (per-connection buffers) + 16 MiB, where holding every body
    /// costs about 90 MiB.
    @Test func manyLargeSlowBodiesStayWithinTheRequestByteBudget() async throws {
        let directory = temporaryDirectory("memory-bodies")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await offThread {
            _ = try HubStore.create(dataDirectory: directory + "/data", mission: "MINUSCA", options: HubStore.options())
        }
        let budgetKiB = 4 << 10, connections = 96
        let config = "max_body_bytes = 1048576\nmax_buffered_request_bytes = \(budgetKiB << 10)\nmax_connections_per_client = 0\n"
        let hub = try await ServeProcess.start(dataDirectory: directory + "/data", config: config, in: directory)
        defer { hub.kill() }
        let idle = try hub.peakKiB()
        let port = hub.port
        let (refused, held) = try await offThread { () -> (Int, Int) in
            let head = Array("POST /v1/push HTTP/1.1\r\nHost: hub\r\nFS-Protocol: 1\r\nContent-Length: 1048576\r\n\r\n".utf8)
            let part = [UInt8](repeating: 0x61, count: 960 * 1024)
            var sockets: [Int32] = []
            defer { sockets.forEach { _ = Glibc.close($0) } }
            for _ in 0..<connections {
                let fd = try LoopbackSocket.connect(port: port)
                sockets.append(fd)
                try? RawHTTP.sendAll(fd, head + part)  // a refused one may be cut off: that is the point
            }
            usleep(300_000)
            let answers = sockets.map { LoopbackSocket.readSome($0, timeoutMilliseconds: 200) }
            let refused = answers.filter { $0.hasPrefix("HTTP/1.1 503") && $0.contains("\"unavailable\"") && $0.contains("Retry-After: 5") }
            return (refused.count, answers.filter(\.isEmpty).count)
        }
        let grown = try hub.peakKiB() - idle
        print("\(connections) connections x 960 KiB of body, budget \(budgetKiB) KiB: \(refused) refused, \(held) held, hub peak grew by \(grown) KiB")
        #expect(refused > 0 && held > 0)
        #expect(grown < 2 * budgetKiB + connections * 128 + (16 << 10))
    }
}

/// `missionhub serve` as a real process on 127.0.0.1 (kernel-chosen port), killed at the end.
final class ServeProcess: Sendable {
    let pid: Int32
    let port: Int

    private init(pid: Int32, port: Int) {
        self.pid = pid
        self.port = port
    }

    /// The built `missionhub` (`MISSIONHUB_BINARY` overrides): next to the test bundle, or in
    /// this package's `.build/debug`.
    static func binary() throws -> String {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bundle = Bundle.main.bundleURL
        let candidates: [String] = [ProcessInfo.processInfo.environment["MISSIONHUB_BINARY"],
                                    bundle.appendingPathComponent("missionhub").path,
                                    bundle.deletingLastPathComponent().appendingPathComponent("missionhub").path,
                                    package.appendingPathComponent(".build/debug/missionhub").path].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw RawHTTPError(description: "no missionhub executable in \(candidates); run `swift build` first")
        }
        return found
    }

    /// Starts the hub over `dataDirectory` with `config` (a config file's text, if any) and
    /// waits up to 20 s for its "hub serving" line.
    static func start(dataDirectory: String, config: String?, in directory: String) async throws -> ServeProcess {
        let binary = try binary()
        var arguments = ["--data-dir", dataDirectory, "serve", "--listen", "127.0.0.1:0"]
        if let config {
            try config.write(toFile: directory + "/hub.conf", atomically: true, encoding: .utf8)
            arguments += ["--config", directory + "/hub.conf"]
        }
        let logPath = directory + "/hub.log"
        let fixedArguments = arguments
        return try await offThread {
            guard FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) else {
                throw RawHTTPError(description: "cannot write \(logPath)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = fixedArguments
            process.environment = ProcessInfo.processInfo.environment.filter { !["NOTIFY_SOCKET", "WATCHDOG_USEC"].contains($0.key) }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = log
            try process.run()
            let marker = "hub serving address=127.0.0.1:"
            for _ in 0..<400 {
                let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                if let range = text.range(of: marker), let port = Int(text[range.upperBound...].prefix { $0.isNumber }), port > 0 {
                    return ServeProcess(pid: process.processIdentifier, port: port)
                }
                guard process.isRunning else { break }
                usleep(50_000)
            }
            process.terminate()
            throw RawHTTPError(description: "missionhub serve did not start: " + ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""))
        }
    }

    /// The process's peak resident set (`VmHWM` of /proc/PID/status), in KiB.
    func peakKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else {
            throw RawHTTPError(description: "no VmHWM in /proc/\(pid)/status")
        }
        return kib
    }

    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }
}

/// Blocking loopback socket calls for the attack clients (run them on `offThread`).
enum LoopbackSocket {
    /// A connection (`RawHTTP.connect`) whose sends give up after 5 s.
    static func connect(port: Int) throws -> Int32 {
        let fd = try RawHTTP.connect(port: port)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// What arrives within `timeoutMilliseconds` (empty when nothing does).
    static func readSome(_ fd: Int32, timeoutMilliseconds: Int) -> String {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeoutMilliseconds)) > 0 else { return "" }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: chunk[..<count], as: UTF8.self) : ""
    }
}
