import Dispatch
import Foundation

/// The server's live connections: admission against the caps (all connections, and those of
/// one client address), draining, forced close, and waiting for the last one to finish.
final class ConnectionRegistry: @unchecked Sendable {  // every field is guarded by `lock`
    /// What to do with a freshly accepted connection.
    enum Admission {
        case serve(id: UInt64)
        /// Over the cap: answer 503 and close.
        case reject(id: UInt64)
        /// Over the cap of the client's address: answer 503 and close.
        case rejectClient(id: UInt64)
        /// Draining, or too many rejections in flight already: close without a word.
        case refuse
    }

    private let lock = NSLock()
    private var serving: [UInt64: DescriptorWaiter] = [:]
    /// The client address of each served connection that has one, and the count per address.
    private var clientOf: [UInt64: String] = [:]
    private var perClient: [String: Int] = [:]
    private var rejecting: [UInt64: DescriptorWaiter] = [:]
    private var lastID: UInt64 = 0
    private var draining = false
    private var emptyWaiter: (id: Int, continuation: CheckedContinuation<Bool, Never>)?
    private var nextWaiterID = 0

    /// Whether shutdown has begun: responses then carry `Connection: close`.
    var isDraining: Bool { lock.withLock { draining } }

    /// Connections being served (rejections excluded).
    var servingCount: Int { lock.withLock { serving.count } }

    /// Admits a connection while fewer than `cap` are served and fewer than `clientCap` of them
    /// come from `client` (nil: a peer without an address, or no per-client cap); beyond
    /// either, up to `cap` more are answered 503 (so a flood costs at most twice the cap in
    /// descriptors); past that, refused.
    func admit(_ waiter: DescriptorWaiter, cap: Int, client: String? = nil, clientCap: Int? = nil) -> Admission {
        lock.withLock {
            guard !draining else { return .refuse }
            lastID += 1
            let overClientCap = client.map { perClient[$0, default: 0] >= (clientCap ?? .max) } ?? false
            if serving.count < cap, !overClientCap {
                serving[lastID] = waiter
                if let client, clientCap != nil {
                    clientOf[lastID] = client
                    perClient[client, default: 0] += 1
                }
                return .serve(id: lastID)
            }
            guard rejecting.count < cap else { return .refuse }
            rejecting[lastID] = waiter
            return overClientCap && serving.count < cap ? .rejectClient(id: lastID) : .reject(id: lastID)
        }
    }

    /// Forgets a finished connection; wakes `waitUntilEmpty` when it was the last.
    func remove(_ id: UInt64) {
        let wake: CheckedContinuation<Bool, Never>? = lock.withLock {
            serving[id] = nil
            rejecting[id] = nil
            if let client = clientOf.removeValue(forKey: id) {
                let left = perClient[client, default: 1] - 1
                perClient[client] = left > 0 ? left : nil
            }
            guard serving.isEmpty, rejecting.isEmpty, let waiter = emptyWaiter else { return nil }
            emptyWaiter = nil
            return waiter.continuation
        }
        wake?.resume(returning: true)
    }

    /// Starts draining: idle connections end their wait and close; busy ones finish.
    func startDraining() {
        let all: [DescriptorWaiter] = lock.withLock {
            draining = true
            return Array(serving.values) + Array(rejecting.values)
        }
        all.forEach { $0.drain() }
    }

    /// Ends every connection's I/O now (the grace period is over); returns how many there were.
    @discardableResult
    func interruptAll() -> Int {
        let all: [DescriptorWaiter] = lock.withLock { Array(serving.values) + Array(rejecting.values) }
        all.forEach { $0.abort() }
        return all.count
    }

    /// True once no connection is left, false if `timeout` passed first.
    func waitUntilEmpty(timeout: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id: Int? = lock.withLock {
                guard !serving.isEmpty || !rejecting.isEmpty else { return nil }
                nextWaiterID += 1
                emptyWaiter = (nextWaiterID, continuation)
                return nextWaiterID
            }
            guard let id else { return continuation.resume(returning: true) }
            DispatchQueue.global().asyncAfter(deadline: timeout.fromNow) {
                let expired: CheckedContinuation<Bool, Never>? = self.lock.withLock {
                    guard let waiter = self.emptyWaiter, waiter.id == id else { return nil }
                    self.emptyWaiter = nil
                    return waiter.continuation
                }
                expired?.resume(returning: false)
            }
        }
    }
}

extension ConnectionRegistry {
    /// The client address a per-client cap counts for a peer host: an IPv4 host as it is; an
    /// IPv6 host by its /64 network (one subscriber or machine commonly holds a whole /64, so
    /// counting single addresses would cap nothing); an IPv4-mapped one (`::ffff:a.b.c.d`) as
    /// that IPv4 host.
    static func clientKey(host: String) -> String {
        guard host.contains(":") else { return host }
        var address = in6_addr()
        guard inet_pton(AF_INET6, host, &address) == 1 else { return host }
        let bytes = withUnsafeBytes(of: &address) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
