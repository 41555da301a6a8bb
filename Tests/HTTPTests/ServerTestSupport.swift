import Foundation
import Testing
@testable import HTTP
import Toolkit

/// Collects the server's log lines (at debug) so tests can assert on them.
struct LogRecorder: Sendable {
    private let capture = LogCapture()

    var logger: Logger { Logger(minimumLevel: .debug, sink: capture.sink) }

    /// The lines so far, without their newline.
    var lines: [String] { capture.lines }
}

/// A one-shot signal a handler raises and a test awaits.
final class Signal: @unchecked Sendable {  // fields guarded by `lock`
    private let lock = NSLock()
    private var raised = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func raise() {
        let toWake: [CheckedContinuation<Void, Never>] = lock.withLock {
            raised = true
            defer { waiters = [] }
            return waiters
        }
        toWake.forEach { $0.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let now: Bool = lock.withLock {
                if raised { return true }
                waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// A plain error whose text must never reach the client.
struct SecretFailure: Error, CustomStringConvertible {
    var description: String { "database password=hunter2 exploded" }
}

/// An error choosing its own status, header and body.
struct TeapotError: HTTPResponseError {
    var status: Int { 418 }
    var publicMessage: String { "short and stout" }
    var headers: [(String, String)] { [("X-Teapot", "yes")] }

    func responseBody() -> (contentType: String, bytes: [UInt8]) {
        ("text/plain", Array("I'm a teapot".utf8))
    }
}

/// The routes the loopback tests use.
func testRouter(slowStarted: Signal = Signal(), slowDelay: Duration = .milliseconds(300)) -> Router {
    var router = Router()
    router.get("/v1/health") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "ok") }
    router.post("/v1/echo") { request, context in
        HTTPResponse(status: 200, headers: ["X-Request-Id": context.requestID, "X-Peer": context.peer.description],
                     body: request.body)
    }
    router.get("/slow") { _, _ in
        slowStarted.raise()
        try await Task.sleep(for: slowDelay)
        return HTTPResponse(status: 200, contentType: "text/plain", body: "slow done")
    }
    router.get("/boom") { _, _ in throw SecretFailure() }
    router.get("/teapot") { _, _ in throw TeapotError() }
    router.get("/big") { _, _ in HTTPResponse(status: 200, body: [UInt8](repeating: 0x61, count: 4 << 20)) }
    router.get("/close") { _, _ in HTTPResponse(status: 200, headers: ["Connection": "close"]) }
    return router
}

/// Runs a server on 127.0.0.1 (ephemeral port) around `body`, then shuts it down and waits
/// for `run()` to return.
func withServer(
    responder: any HTTPResponder = testRouter(),
    log: LogRecorder = LogRecorder(),
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer) async throws -> Void
) async throws {
    var configuration = HTTPServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0))
    configure(&configuration)
    let server = try HTTPServer(configuration: configuration, responder: responder, log: log.logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        do {
            try await body(server)
        } catch {
            server.shutdown()
            throw error
        }
        server.shutdown()
        try await group.waitForAll()
    }
}

func port(_ server: HTTPServer) throws -> Int {
    try #require(server.port)
}

/// A unique short path for a Unix socket in /tmp.
func temporarySocketPath() -> String {
    "/tmp/http-test-\(getpid())-\(UInt32.random(in: 0 ... .max)).sock"
}

/// Opens `count` connections, each answered 200 to one `GET /v1/health`, and returns them open.
func openServedConnections(_ count: Int, port: Int) async throws -> [RawClient] {
    var clients: [RawClient] = []
    for _ in 0..<count {
        let client = try await RawClient.connect(port: port)
        clients.append(client)
        try await client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
    }
    return clients
}

/// After a connection was closed: tries new connections until one is served (the server may
/// not have seen the close yet), up to 50 times; the last status.
func statusOnceASlotIsFree(port: Int) async throws -> Int {
    var status = 0
    for _ in 0..<50 where status != 200 {
        let next = try await RawClient.connect(port: port)
        defer { next.close() }
        try await next.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        status = try await next.readResponse().status
        if status != 200 { try await Task.sleep(for: .milliseconds(20)) }
    }
    return status
}
