import Foundation
import Synchronization
import SQLite
import SyncProtocol
@testable import SyncEngine

/// A wall clock the test moves by hand.
final class ManualClock: Sendable {
    private let now: Mutex<UInt64>
    init(_ start: UInt64 = 1_790_000_000_000) { now = Mutex(start) }
    var milliseconds: UInt64 { now.withLock { $0 } }
    func set(_ ms: UInt64) { now.withLock { $0 = ms } }
    func advance(_ ms: UInt64) { now.withLock { $0 += ms } }
    func rewind(_ ms: UInt64) { now.withLock { $0 -= ms } }
    var function: @Sendable () -> UInt64 { { [self] in self.milliseconds } }
}

/// A temporary directory removed when the value is released; on /dev/shm when available so
/// simulations stay fast (still real SQLite files).
final class TempDir {
    let path: String
    init(fast: Bool = false) {
        let base = fast && FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        path = base + "/fieldsync-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func options(_ clock: ManualClock, synchronous: Synchronous = .normal) -> StoreOptions {
    StoreOptions(synchronous: synchronous, wallClock: clock.function)
}

extension Store {
    /// Every op this store holds, in arrival order (test helper).
    func allOps() throws -> [Op] {
        try queue.sync { db in
            try db.query("SELECT \(StoredBody.columns) FROM ops o \(StoredBody.joins) ORDER BY o.local_seq") {
                try OpCodec.decode(StoredBody.canonical($0))
            }
        }
    }

    /// Sends our unacknowledged ops to `hub` and records its acknowledgement, like one push round.
    func pushAll(to hub: Store, peer: String = "hub") throws {
        while true {
            let ops = try pendingPush(peer: peer, maxOps: 50)
            if ops.isEmpty { return }
            _ = try hub.apply(ops)
            let ack = try hub.originStates([nodeID])[0]
            try recordPushAck(peer: peer, contiguous: ack.contiguous)
            if ack.contiguous < ops.last!.seq { return }
        }
    }

    /// Pulls everything `hub` serves to this node.
    func pullAll(from hub: Store, peer: String = "hub", scopes: [String]? = nil) throws {
        while true {
            let cursor = try peerState(peer).pullCursor
            let slice = try hub.opsForPull(scopes: scopes ?? ScopePolicy.scopes(for: nodeID), excludingOrigin: nodeID,
                                           after: cursor, maxOps: 40)
            _ = try applyPulled(peer: peer, ops: slice.ops, nextCursor: slice.nextCursor)
            if !slice.more { return }
        }
    }
}
