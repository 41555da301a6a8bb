import Dispatch
import Foundation
import Glibc
import Toolkit

/// The hub's HTTP/1.1 server: TCP or Unix socket, keep-alive and pipelining, timeouts, a
/// connection cap and a graceful shutdown.
///
/// Threading: sockets are non-blocking. Each connection is a child task of the task group that
/// `run()` owns; it reads and writes with plain non-blocking calls and, when a call would block,
/// suspends on a `DescriptorWaiter` (a Dispatch read/write source plus a timer on a serial
/// queue), so no thread ever blocks on a client and responders run as ordinary async code. This
/// beats a thread per connection (256 parked threads, no async responders) and keeps every
/// timeout a single deadline per wait.
///
/// Caps: connections beyond `maxConnections`, or beyond `maxConnectionsPerClient` from one
/// client address, are accepted, answered `503` (by default with `Retry-After: 1`) and
/// `Connection: close`, and closed, so clients learn to back off instead of hanging in the
/// backlog. At most another `maxConnections` such answers are in flight; past that new
/// connections are closed at once.
///
/// Memory: the request bytes all connections hold at once are charged to one budget
/// (`maxBufferedRequestBytes`, `RequestByteBudget`); a read that would pass it is answered
/// `503` and the connection closed. What the server holds for requests is thus at most the
/// budget (about twice it in allocations, as arrays grow by doubling) plus, per connection, a
/// 64 KiB read buffer: bounded by the configuration whatever clients send.
///
/// Responses the server makes up itself (parse errors, timeouts, the cap's 503, a 500 for a
/// responder's unexpected error) come from `configuration.generatedErrorResponder`.
///
/// Shutdown (`shutdown()`, or cancelling `run()`): stop accepting and close the listening socket
/// (new connections are refused); idle connections close; in-flight requests finish and their
/// responses carry `Connection: close`; after `shutdownGracePeriod` the rest are cut and their
/// tasks cancelled; then `run()` returns (a responder that ignores cancellation delays that).
/// Cancelling `run()` also cancels the responders' tasks at once (structured concurrency), so
/// prefer `shutdown()` for a graceful stop, as on SIGTERM.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    /// The bound TCP port (the chosen one when port 0 was asked for); nil for a Unix socket.
    public let port: Int?
    private let listener: ListeningSocket
    private let listenerWaiter: DescriptorWaiter
    private let responder: any HTTPResponder
    private let log: Logger
    private let registry = ConnectionRegistry()
    private let budget: RequestByteBudget
    private let lifecycle = Lifecycle()

    /// Binds and listens at once, so `port` is known before `run()`.
    ///
    /// `log` gets the server's events: fixed texts with key=value metadata (addresses, peers,
    /// connection and request ids, methods, paths, statuses, errno names, error types), never a
    /// header value or a body. Every request served is a `debug` event.
    /// - Throws: `HTTPServerError` when the address is invalid or in use, or a call fails.
    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder,
                log: Logger = .disabled) throws(HTTPServerError) {
        self.configuration = configuration
        self.responder = responder
        self.log = log
        budget = RequestByteBudget(limit: configuration.effectiveMaxBufferedRequestBytes)
        listener = try ListeningSocket.open(configuration)
        port = listener.port
        listenerWaiter = DescriptorWaiter(fd: listener.fd, label: "http.listener")
    }

    deinit {
        if lifecycle.claimCleanup() {
            listenerWaiter.close()
            removeSocketFile()
        }
    }

    /// Accepts and serves connections until `shutdown()` or cancellation, then drains and
    /// returns. Call once.
    /// - Throws: `HTTPServerError` with code `.alreadyRunning` on a second call.
    public func run() async throws {
        guard lifecycle.start() else {
            throw HTTPServerError(.alreadyRunning, "run() was already called; create a new server",
                                  address: configuration.address.description)
        }
        log.info("listening", ["address": configuration.address.description, "port": port.map(String.init) ?? "-"])
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                await acceptLoop(&group)
                await listenerWaiter.closeAndWait()
                removeSocketFile()
                registry.startDraining()
                guard await !registry.waitUntilEmpty(timeout: configuration.shutdownGracePeriod) else { return }
                let count = registry.interruptAll()
                log.warning("shutdown grace period ended; closing connections", ["connections": String(count)])
                group.cancelAll()
            }
        } onCancel: {
            shutdown()
        }
        log.info("stopped", ["address": configuration.address.description])
    }

    /// Request bytes held across connections now, and the most held at once so far.
    var bufferedRequestBytes: (current: Int, peak: Int) { (budget.current, budget.peak) }

    /// Starts a graceful shutdown (see the type's documentation). Safe to call from any thread,
    /// any number of times, before or during `run()`.
    public func shutdown() {
        guard lifecycle.requestShutdown() else { return }
        listenerWaiter.drain()
        registry.startDraining()
    }

    private func acceptLoop(_ group: inout DiscardingTaskGroup) async {
        while !lifecycle.isShuttingDown {
            switch Syscall.accept(listener.fd) {
            case .success(let accepted):
                admit(fd: accepted.fd, peer: accepted.peer, into: &group)
            case .failure(let error) where error.isWouldBlock:
                guard await listenerWaiter.wait(for: .read, deadline: nil, drainable: true) == .ready else { return }
            case .failure(let error) where error.rawValue == ECONNABORTED || error.rawValue == EPROTO:
                continue  // the client gave up between connect and accept
            case .failure(let error):
                // EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays queued, so retrying at
                // once would spin. Pause, still answering to shutdown.
                log.error("accept failed; pausing 100 ms", ["errno": error.name])
                let pause = await listenerWaiter.wait(for: nil, deadline: .now() + .milliseconds(100), drainable: true)
                guard pause == .timedOut else { return }
            }
        }
    }

    private func admit(fd: Int32, peer: HTTPPeerAddress, into group: inout DiscardingTaskGroup) {
        if case .inet = peer {
            // Responses go out in one write; without NODELAY a split write waits for an ACK.
            // Failing costs latency only.
            _ = Syscall.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
        }
        let waiter = DescriptorWaiter(fd: fd, label: "http.connection")
        var client: String?
        if case .inet(let host, _) = peer { client = ConnectionRegistry.clientKey(host: host) }
        let admission = registry.admit(waiter, cap: configuration.maxConnections,
                                       client: client, clientCap: configuration.maxConnectionsPerClient)
        let connection: (UInt64) -> HTTPConnection = { id in
            HTTPConnection(waiter: waiter, peer: peer, id: id, acceptedAt: .now(), configuration: self.configuration,
                           responder: self.responder, registry: self.registry, budget: self.budget, log: self.log)
        }
        switch admission {
        case .serve(let id):
            let connection = connection(id)
            group.addTask {
                await connection.serve()
                self.registry.remove(id)
            }
        case .reject(let id):
            log.warning("connection limit reached; answering 503",
                ["peer": peer.description, "limit": String(configuration.maxConnections)])
            let connection = connection(id)
            group.addTask {
                await connection.reject(.connectionLimit)
                self.registry.remove(id)
            }
        case .rejectClient(let id):
            log.warning("connection limit of a client reached; answering 503",
                ["peer": peer.description, "limit": String(configuration.maxConnectionsPerClient ?? 0)])
            let connection = connection(id)
            group.addTask {
                await connection.reject(.clientConnectionLimit)
                self.registry.remove(id)
            }
        case .refuse:
            waiter.close()
        }
    }

    private func removeSocketFile() {
        if case .failure(let error) = listener.removeSocketFile() {
            log.warning("could not remove the socket file; remove it by hand",
                ["address": configuration.address.description, "errno": error.name])
        }
    }
}

/// Whether the server ran, is shutting down, and who cleans up the listening socket.
private final class Lifecycle: @unchecked Sendable {  // every field is guarded by `lock`
    private let lock = NSLock()
    private var started = false
    private var shuttingDown = false

    var isShuttingDown: Bool { lock.withLock { shuttingDown } }

    /// True the first time only.
    func start() -> Bool {
        lock.withLock {
            defer { started = true }
            return !started
        }
    }

    /// True the first time only.
    func requestShutdown() -> Bool {
        lock.withLock {
            defer { shuttingDown = true }
            return !shuttingDown
        }
    }

    /// True when `run()` never started, so `deinit` must close the listener itself.
    func claimCleanup() -> Bool {
        lock.withLock { !started }
    }
}
