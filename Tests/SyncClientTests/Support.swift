import TestSupport
import Foundation
import HubKit
import Synchronization
import SyncClient
import SyncEngine
import SyncProtocol
import Toolkit

/// A temporary directory (mode 0700) removed when the value is released.
final class TempDir: Sendable {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "fieldsync-client-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }
    func file(_ name: String) -> String { path + "/" + name }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A wall clock shifted by a fixed amount from the real one (a laptop whose clock is wrong).
func skewedClock(by milliseconds: Int64) -> @Sendable () -> UInt64 {
    { UInt64(Int64(Store.systemMilliseconds()) + milliseconds) }
}

/// A real hub (HubKit store and server) in a temporary directory.
final class TestHub: Sendable {
    let dir = TempDir()
    let store: Store

    init(wallClock: @escaping @Sendable () -> UInt64 = Store.systemMilliseconds) throws {
        store = try HubStore.create(dataDirectory: dir.path, mission: "MINUSCA", options: HubStore.options(wallClock: wallClock))
    }

    /// A one-time enrollment token for a device called `name`.
    func token(_ name: String) throws -> String {
        try NodeRegistry(store: store).issueToken(name: name, lifetimeMilliseconds: 3_600_000, now: Store.systemMilliseconds()).token
    }

    func revoke(_ name: String) throws {
        try NodeRegistry(store: store).revoke(name: name, now: Store.systemMilliseconds())
    }

    /// Serves on 127.0.0.1 (ephemeral port) while `body` runs; stops gracefully afterwards.
    @discardableResult
    func serve<T: Sendable>(_ body: @Sendable (_ port: Int) async throws -> T) async throws -> T {
        var settings = HubSettings()
        settings.address = .tcp(host: "127.0.0.1", port: 0)
        let server = HubServer(settings: settings, store: store, log: .disabled, notifier: SystemdNotifier(environment: [:]))
        let (signals, stop) = AsyncStream.makeStream(of: UnixSignal.self)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run(until: signals) { http in
                    portSink.yield(http.port ?? 0)
                    portSink.finish()
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()
                throw ProxyError("hub did not start", 0)
            }
            do {
                let result = try await body(port)
                stop.yield(.term)
                try await group.waitForAll()
                return result
            } catch {
                stop.yield(.term)
                try await group.waitForAll()
                throw error
            }
        }
    }

    /// Every op the hub holds whose origin is `node`.
    func opCount(origin node: NodeID) throws -> (contiguous: UInt64, maxSeq: UInt64) {
        let state = try store.originStates([node])[0]
        return (state.contiguous, state.maxSeq)
    }
}

/// A field node: a store in a temporary directory, enrolled by `enroll`.
final class TestNode: Sendable {
    let dir = TempDir()
    let store: Store

    init(wallClock: @escaping @Sendable () -> UInt64 = Store.systemMilliseconds) throws {
        store = try Store.create(path: dir.file("node.sqlite"), role: .node,
                                 options: StoreOptions(synchronous: .normal, wallClock: wallClock))
    }

    @discardableResult
    func enroll(port: Int, hub: TestHub, name: String) async throws -> Credentials {
        try await Enrollment.enroll(hubURL: "http://127.0.0.1:\(port)", token: try hub.token(name), store: store, dataDir: dir.path)
    }

    /// Writes `count` reports of four ops each (with a random, barely compressible
    /// `allegation.narrative` of `narrativeBytes`); returns their entity ids.
    @discardableResult
    func writeReports(_ count: Int, narrativeBytes: Int = 200) throws -> [String] {
        try (0..<count).map { i in
            let id = EntityID.make(owner: store.nodeID)
            let narrative = Hex.encode((0..<narrativeBytes / 2).map { _ in UInt8.random(in: 0...255) })
            try store.write { tx in
                try tx.create("report", id)
                try tx.set("report", id, "allegation.narrative", .string(narrative))
                try tx.set("report", id, "ref", .string("MINUSCA-T\(i)"))
                try tx.add("report", id, "needs", .string("medical"))
            }
            return id
        }
    }

    /// A runner whose requests go to `port` instead of the enrolled URL (e.g. through a proxy).
    func runner(port: Int? = nil, options: SyncOptions = SyncOptions(), logger: Logger = .disabled) throws -> SyncRunner {
        var credentials = try Credentials.load(dataDir: dir.path)
        if let port { credentials.hubURL = try HubURL("http://127.0.0.1:\(port)") }
        return try SyncRunner(store: store, credentials: credentials, options: options, logger: logger)
    }

    /// The state listing of this node's own entities, on `store` (the node's or the hub's).
    func listing(on other: Store) throws -> [String] {
        let mine = try store.entityKeys().filter { $0.hasPrefix("report/" + store.nodeID.hex) }
        return try other.stateListing(entities: mine)
    }
}

/// A port nothing listens on (bound, then closed).
func closedPort() throws -> Int {
    let proxy = try FaultProxy(targetPort: 1)
    let port = proxy.port
    proxy.close()
    return port
}
