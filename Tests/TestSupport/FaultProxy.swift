import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A fault-injecting TCP proxy for tests: listens on `127.0.0.1:<port>` (an ephemeral port)
/// and forwards each connection to `127.0.0.1:<targetPort>`, applying a `Fault`.
///
///     let proxy = try FaultProxy(targetPort: hubPort)
///     proxy.enqueue(.cutUpstream(afterBytes: 300))   // the next connection is cut mid-request
///     proxy.defaultFault = .none                     // later connections pass
///     proxy.targetPort = restartedHubPort            // follow a restarted server
///     proxy.close()
///
/// - Each accepted connection takes the next queued fault (`enqueue`), else `defaultFault`.
/// - Byte counts are per connection and per direction, across every request the connection
///   carries (HTTP keep-alive); a cut forwards exactly `afterBytes` bytes in that direction,
///   then resets both sides (RST, `SO_LINGER` 0), so neither peer gets a clean end.
/// - When the target refuses, the client connection is reset at once (as a down server would
///   look through a gateway).
/// - Threads, not async tasks: every socket call blocks, so the relays run on their own threads
///   (never on Swift's cooperative pool) and poll a stop flag every 50 ms; `close()` stops them all.
public final class FaultProxy: Sendable {
    /// What happens to one proxied connection.
    public enum Fault: Sendable, Equatable {
        /// Forward both ways.
        case none
        /// Forward `afterBytes` bytes from client to server, then reset both sides.
        case cutUpstream(afterBytes: Int)
        /// Forward `afterBytes` bytes from server to client, then reset both sides.
        case cutDownstream(afterBytes: Int)
        /// Forward both ways, holding every chunk for `delay` first.
        case delay(Duration)
        /// Reset the client connection at once; never connect to the target.
        case drop
        /// Accept and read, never answer, never connect (a black hole) until `close()`.
        case blackhole
    }

    /// The port the proxy listens on.
    public let port: Int
    private let listener: Int32
    private let state: Mutex<State>

    private struct State {
        var targetPort: Int
        var queued: [Fault] = []
        var defaultFault: Fault = .none
        var connections = 0
        /// Bytes each connection sent upstream, in accept order (kept when `recording`).
        var upstream: [[UInt8]] = []
        var recording = false
        var stopped = false
        var threadsRunning = 0
    }

    public init(targetPort: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ProxyError("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = FaultProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw ProxyError("bind/listen", code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        state = Mutex(State(targetPort: targetPort))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "FaultProxy.accept"
        state.withLock { $0.threadsRunning += 1 }
        thread.start()
    }

    deinit {
        close()
    }

    /// Where connections are forwarded (changeable, e.g. after a server restart).
    public var targetPort: Int {
        get { state.withLock { $0.targetPort } }
        set { state.withLock { $0.targetPort = newValue } }
    }

    /// The fault for connections when the queue is empty.
    public var defaultFault: Fault {
        get { state.withLock { $0.defaultFault } }
        set { state.withLock { $0.defaultFault = newValue } }
    }

    /// Queues faults for the next connections, in order.
    public func enqueue(_ faults: Fault...) {
        state.withLock { $0.queued += faults }
    }

    /// Connections accepted so far.
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// Keep every byte clients send upstream (for replay tests); off by default.
    public var recording: Bool {
        get { state.withLock { $0.recording } }
        set { state.withLock { $0.recording = newValue } }
    }

    /// What each recorded connection sent upstream, in accept order.
    public var recordedUpstream: [[UInt8]] { state.withLock { $0.upstream } }

    /// Stops accepting, resets every open connection, and waits (up to 2 s) for the threads.
    public func close() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { _ = shutdown(listener, Int32(SHUT_RDWR)) }
        let deadline = Date().addingTimeInterval(2)
        while state.withLock({ $0.threadsRunning }) > 0, Date() < deadline { usleep(10_000) }
        if first { _ = Glibc.close(listener) }
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        defer { state.withLock { $0.threadsRunning -= 1 } }
        while !stopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let (fault, target) = state.withLock { state -> (Fault, Int) in
                state.connections += 1
                state.threadsRunning += 1
                let fault = state.queued.isEmpty ? state.defaultFault : state.queued.removeFirst()
                return (fault, state.targetPort)
            }
            let thread = Thread { [self] in
                defer { state.withLock { $0.threadsRunning -= 1 } }
                serve(client: client, target: target, fault: fault)
            }
            thread.name = "FaultProxy.relay"
            thread.start()
        }
    }

    private func serve(client: Int32, target: Int, fault: Fault) {
        switch fault {
        case .drop:
            Self.reset(client)
            return
        case .blackhole:
            var sink = [UInt8](repeating: 0, count: 4096)
            while !stopped {
                let ready = Self.wait(client)
                if ready < 0 && errno != EINTR { break }
                if ready > 0, sink.withUnsafeMutableBytes({ read(client, $0.baseAddress, $0.count) }) <= 0 { break }
            }
            Self.reset(client)
            return
        default:
            break
        }
        guard let server = Self.connect(port: target) else {
            Self.reset(client)
            return
        }
        var limits: (up: Int?, down: Int?) = (nil, nil)
        var delay: Duration?
        switch fault {
        case .cutUpstream(let n): limits.up = n
        case .cutDownstream(let n): limits.down = n
        case .delay(let d): delay = d
        default: break
        }
        relay(client: client, server: server, limits: limits, delay: delay)
        Self.reset(client)
        Self.reset(server)
    }

    /// Copies bytes both ways until a side closes, a limit is reached, or `close()`.
    private func relay(client: Int32, server: Int32, limits: (up: Int?, down: Int?), delay: Duration?) {
        var forwarded = (up: 0, down: 0)
        let slot: Int? = state.withLock { state in
            guard state.recording else { return nil }
            state.upstream.append([])
            return state.upstream.count - 1
        }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !stopped {
            var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: server, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, 50)
            if ready < 0 && errno != EINTR { return }
            if ready <= 0 { continue }
            for (index, upstream) in [(0, true), (1, false)] where fds[index].revents != 0 {
                let from = upstream ? client : server, to = upstream ? server : client
                let limit = upstream ? limits.up : limits.down
                let done = upstream ? forwarded.up : forwarded.down
                let room = limit.map { max(0, $0 - done) } ?? buffer.count
                let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, min($0.count, max(room, 1))) }
                if n <= 0 { return }
                let allowed = min(n, room)
                if let delay { Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18) }
                guard Self.writeAll(to, buffer, count: allowed) else { return }
                if upstream, let slot { state.withLock { $0.upstream[slot] += buffer[0..<allowed] } }
                if upstream { forwarded.up += allowed } else { forwarded.down += allowed }
                if let limit, (upstream ? forwarded.up : forwarded.down) >= limit { return }
            }
        }
    }

    /// Sends `bytes` to `port` on loopback as they are, closes the sending side, and returns
    /// everything the server answers until it closes (or 5 s pass): for replaying a recording.
    public static func exchange(_ bytes: [UInt8], port: Int) throws -> [UInt8] {
        guard let fd = connect(port: port) else { throw ProxyError("connect", errno) }
        defer { _ = Glibc.close(fd) }
        guard writeAll(fd, bytes, count: bytes.count) else { throw ProxyError("write", errno) }
        _ = shutdown(fd, Int32(SHUT_WR))
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) >= 0 || errno == EINTR else { break }
            guard fds[0].revents != 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return answer
    }

    // MARK: Sockets

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            _ = Glibc.close(fd)
            return nil
        }
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Waits up to 50 ms for `fd` to be readable; -1 on error.
    private static func wait(_ fd: Int32) -> Int32 {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 50)
    }

    /// Closes with RST (`SO_LINGER` 0), so the peer sees a reset rather than a clean end.
    private static func reset(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        _ = Glibc.close(fd)
    }
}

/// A socket call of the proxy failed.
public struct ProxyError: Error, CustomStringConvertible {
    public let description: String
    public init(_ call: String, _ code: Int32) { description = "FaultProxy: \(call) failed: \(String(cString: strerror(code)))" }
}
