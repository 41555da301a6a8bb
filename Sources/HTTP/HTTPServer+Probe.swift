import Glibc

extension HTTPServer {
    /// Shows that the server answers, for the watchdog: connects to its own address (a TCP
    /// wildcard host as its loopback), sends `GET path` with `Connection: close` and waits for
    /// the first bytes of a response. Nil when a response begins (`HTTP/1.`) within `timeout`,
    /// whatever its status — a 404 or a 503 at the connection cap also proves that the accept
    /// loop and a connection task ran; else one line saying what failed. Never blocks a thread;
    /// cancelling the task ends the wait.
    public func probe(path: String = "/v1/health", timeout: Duration) async -> String? {
        guard let address = probeAddress else { return "no address to probe \(configuration.address)" }
        let fd: Int32
        switch Syscall.streamSocket(family: address.family) {
        case .success(let value): fd = value
        case .failure(let error): return "socket failed with \(error.name)"
        }
        let waiter = DescriptorWaiter(fd: fd, label: "http.probe")
        defer { waiter.close() }
        let deadline = timeout.fromNow
        switch Syscall.connect(fd, address) {
        case .success:
            break
        case .failure(let error) where error.rawValue == EINPROGRESS || error.isWouldBlock:
            guard await waiter.wait(for: .write, deadline: deadline, drainable: false) == .ready else {
                return "no connection within the deadline"
            }
        case .failure(let error):
            return "connect failed with \(error.name)"
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        switch request.withUnsafeBytes({ Syscall.send(fd, $0) }) {
        case .success(let count) where count == request.count: break
        case .success: return "the request went out in part"
        case .failure(let error): return "sending the request failed with \(error.name)"
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        let expected = Array("HTTP/1.".utf8)
        while received.count < expected.count {
            switch buffer.withUnsafeMutableBytes({ Syscall.receive(fd, into: $0) }) {
            case .success(0):
                return "the connection closed without a response"
            case .success(let count):
                received += buffer[..<count]
            case .failure(let error) where error.isWouldBlock:
                guard await waiter.wait(for: .read, deadline: deadline, drainable: false) == .ready else {
                    return "no response within the deadline"
                }
            case .failure(let error):
                return "reading the response failed with \(error.name)"
            }
        }
        return received.prefix(expected.count).elementsEqual(expected) ? nil : "the answer is not HTTP"
    }

    /// The listener's own address, wildcards replaced by the loopback.
    private var probeAddress: SocketAddress? {
        switch configuration.address {
        case .tcp(let host, let configured):
            let loopback = ["0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1"][host] ?? host
            return SocketAddress(host: loopback, port: port ?? configured)
        case .unix(let path):
            return SocketAddress(unixPath: path)
        }
    }
}
