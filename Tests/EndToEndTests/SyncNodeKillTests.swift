import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A node `kill -9`ed in the middle of `fieldnode sync`, three times: in its push (after the
/// hub applied k batches), in its pull (after the hub served a pull), or after a plain delay
/// (all seeded). After each kill the node's store is intact and holds every report it
/// printed; a final `fieldnode sync` delivers everything exactly once.
///
/// Replay: `FIELDSYNC_E2E_SEED=<seed>` (printed at the start).
@Suite struct SyncNodeKillTests {
    /// Where a round's kill lands.
    enum Trigger: CustomStringConvertible {
        case push(batch: Int)
        case pull
        case delay(milliseconds: Int)

        var description: String {
            switch self {
            case .push(let batch): "after push batch \(batch)"
            case .pull: "after the first pull"
            case .delay(let ms): "\(ms) ms after start"
            }
        }

        var waitsForTheHub: Bool {
            if case .delay = self { return false }
            return true
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func nodeKilledInTheMiddleOfASyncLosesAndDuplicatesNothing() async throws {
        var random = SyncSeed(test: "SyncNodeKillTests")
        let cluster = try await SyncCluster()
        try await cluster.startHub()
        let hub = try #require(cluster.hub)
        let node = try await cluster.addNode("desk")
        let nodeID = try #require(try await cluster.status(node)["nodeId"]?.stringValue)
        var printed: [String] = []
        var killedMidway = 0
        for round in 1...3 {
            // ~2300 ops a round: about five push batches of 500, then one or two pulls.
            printed += try await cluster.burst(node, count: 100, seed: random.next() % 1_000_000)
            let trigger: Trigger = switch Int.random(in: 0..<3, using: &random) {
            case 0: .push(batch: Int.random(in: 1...4, using: &random))
            case 1: .pull
            default: .delay(milliseconds: Int.random(in: 30...250, using: &random))
            }
            let delay = UInt32.random(in: 0...5_000, using: &random)
            let (pushes, pulls) = (hub.count("push applied"), hub.count("pull served"))
            let sync = try await cluster.spawn(node, ["sync"])
            switch trigger {
            case .push(let batch):
                try await hub.waitForLog("push applied", count: pushes + batch) { usleep(delay); sync.sigkill() }
            case .pull:
                try await hub.waitForLog("pull served", count: pulls + 1) { usleep(delay); sync.sigkill() }
            case .delay(let ms):
                try await Task.sleep(for: .milliseconds(ms))
            }
            let killed = try await sync.kill9()
            if killed { killedMidway += 1 }
            print("SyncNodeKillTests round \(round): kill \(trigger)\(trigger.waitsForTheHub ? " + \(delay) µs" : ""):",
                  killed ? "killed mid-sync" : "the sync had already ended")

            // Nothing the node printed is lost, and the store is whole.
            let store = try await SyncStoreFile.read(node.storePath)
            #expect(store.integrity == ["ok"], "round \(round), seed \(random.seed): \(store.integrity)")
            let check = try await cluster.node(node, ["debug", "check"]).json()
            #expect(check["problems"]?.arrayValue?.isEmpty == true && check["gapless"]?.boolValue == true,
                    "round \(round), seed \(random.seed): \(check)")
            let refs = Set(check["refs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            #expect(refs == Set(printed), "round \(round), seed \(random.seed): the node lost reports")
            // The hub holds a gapless prefix of the node's ops, and its node list says so; the
            // node counts as acknowledged only ops the hub holds (never an ack before the commit).
            let held = try #require(try await SyncStoreFile.read(cluster.hubDir + "/hub.sqlite").prefix(of: nodeID),
                                    "round \(round): gaps at the hub")
            let listed = try await cluster.hubNodes()["desk"]
            #expect(listed?.gaps == 0 && listed?.contiguousSeq == Int64(held) && listed?.highestSeq == Int64(held),
                    "round \(round): \(String(describing: listed)) but the hub holds \(held) ops")
            let backlog = try await cluster.status(node)["backlog"]?.int64Value ?? -1
            let ownOps = Int64(store.seqs(of: nodeID).count)
            #expect(backlog >= 0 && ownOps - backlog <= Int64(held),
                    "round \(round), seed \(random.seed): the node counts \(ownOps - backlog) ops as acknowledged, the hub holds \(held)")
        }
        #expect(killedMidway >= 1, "no round killed the sync while it ran (seed \(random.seed)); the test proved nothing")

        let final = try await cluster.sync(node)
        #expect(final.succeeded, "\(final)")
        try await SyncConvergence.expectConverged(cluster, printed: [node: printed])
    }
}
