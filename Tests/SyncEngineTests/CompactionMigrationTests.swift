import Foundation
import Testing
import SQLite
import SyncProtocol
@testable import SyncEngine

/// Migration `0004-compact-ops` on real files written by the engine before it (Fixtures/README.md):
/// every op keeps its exact canonical bytes (so its hash and any signature over it), the state
/// keeps its digest, the store keeps working, and the file gives its old pages back.
@Suite struct CompactionMigrationTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// A copy of fixture `name` (0003 schema) in `dir`, with the ops it holds read raw, before
    /// any code of today's engine touches it.
    static func fixture(_ name: String, in dir: TempDir) throws -> (path: String, ops: [OpID: [UInt8]], state: [UInt8], receivedAt: [OpID: UInt64]) {
        let path = dir.file(name + ".sqlite")
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent(name + "-0003.sqlite").path, toPath: path)
        let db = try Database(path: path, options: DatabaseOptions(readOnly: true, create: false, journalModeWAL: false))
        let rows = try db.query("SELECT origin, seq, body, received_at FROM ops") { row in
            (OpID(origin: NodeID(bytes: row.blob(0) ?? [])!, seq: row.uint64(1) ?? 0), row.blob(2) ?? [], row.uint64(3) ?? 0)
        }
        try db.close()
        let state = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(name + "-0003.state")))
        return (path, Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1) }), state,
                Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.2) }))
    }

    /// The fixtures' test clock (expected-0003.txt), so nothing in quarantine comes due on open.
    static let clock: UInt64 = 1_790_000_000_065

    /// The canonical bytes of every op, read through the store's own stored form.
    static func canonicalBytes(_ store: Store) throws -> [OpID: [UInt8]] {
        let rows = try store.queue.sync { db in
            try db.query("SELECT \(StoredBody.columns) FROM ops o \(StoredBody.joins)") { row -> (OpID, [UInt8]) in
                (OpID(origin: row.nodeID(0)!, seq: row.uint64(1) ?? 0), try StoredBody.canonical(row))
            }
        }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    @Test(arguments: ["node", "hub"])
    func everyOpKeepsItsBytesAndTheStateItsDigest(_ name: String) throws {
        let dir = TempDir()
        let (path, before, state, receivedAt) = try Self.fixture(name, in: dir)
        #expect(before.count == (name == "node" ? 101 : 103))
        let clock = ManualClock(Self.clock)
        let store = try Store.open(path: path, options: options(clock))
        #expect(try store.queue.sync { db in try db.query("SELECT name FROM schema_migrations") { $0.string(0) } }.contains(OpLogCompaction.name))
        let after = try Self.canonicalBytes(store)
        #expect(after == before, "\(Set(after.keys).symmetricDifference(before.keys).count) ids differ")
        // Also through the public readers: stored ops and what a push or a pull serves.
        let stored = try store.storedOps(Array(before.keys))
        #expect(stored.count == before.count && stored.allSatisfy { OpCodec.encode($0.value.op) == before[$0.key] })
        #expect(stored.allSatisfy { $0.value.receivedAt == receivedAt[$0.key] && $0.value.receivedAt > 0 })
        // The quarantined ops keep their arrival time too (what a release records).
        if name == "hub" {
            let held = try store.queue.sync { db in
                try Quarantine(db: db).all(origin: nil).map { try Quarantine(db: db).load($0) }
            }
            #expect(held.count == 2 && held.allSatisfy { receivedAt[$0.op.id] == $0.receivedAt && before[$0.op.id] == OpCodec.encode($0.op) })
        }
        #expect(try store.canonicalState() == state)
        #expect(try store.verify().isEmpty)
        // The old pages were given back (the compaction VACUUMs once).
        #expect(try store.queue.sync { db in try db.scalar("PRAGMA freelist_count", as: Int64.self) } == 0)
        // Opened again, nothing changes.
        let again = try Store.open(path: path, options: options(clock))
        #expect(try Self.canonicalBytes(again) == before && again.canonicalState() == state)
    }

    @Test func aMigratedNodeAndHubKeepSyncing() throws {
        let dir = TempDir()
        let node = try Self.fixture("node", in: dir), hub = try Self.fixture("hub", in: dir)
        let clock = ManualClock(Self.clock)
        let nodeStore = try Store.open(path: node.path, options: options(clock))
        let hubStore = try Store.open(path: hub.path, options: options(clock))
        // The node's ops were all acknowledged: a push sends only what is new.
        let entity = EntityID.make(owner: nodeStore.nodeID, local: "after")
        try nodeStore.write { tx in
            try tx.create("report", entity)
            try tx.set("report", entity, "area", .string("Bria"))
        }
        #expect(try nodeStore.pendingPush(peer: "hub").count == 2)
        try nodeStore.pushAll(to: hubStore)
        #expect(try hubStore.document("report", entity)?.fields["area"]?.value == .string("Bria"))
        // The laptop a day ahead comes due: its two held ops are merged, stored compact.
        clock.advance(86_400_000)
        let released = try hubStore.releaseDueQuarantine()
        #expect(released.released == 2)
        try nodeStore.pullAll(from: hubStore)
        for store in [nodeStore, hubStore] { #expect(try store.verify().isEmpty) }
        // Both agree on the records the node can see, and the hub's ops still carry their bytes.
        let shared = try nodeStore.entityKeys()
        #expect(try nodeStore.stateListing(entities: shared) == hubStore.stateListing(entities: shared))
        let hubOps = try Self.canonicalBytes(hubStore)
        #expect(hub.ops.allSatisfy { hubOps[$0.key] == $0.value })
        // A redelivered op is a duplicate, an op with the same id and other bytes is refused.
        let old = try OpCodec.decode(hub.ops.values.first { (try? OpCodec.decode($0))?.collection == "report" }!)
        #expect(try hubStore.apply([old]).duplicates == 1)
        let forged = Op(id: old.id, hlc: old.hlc, collection: old.collection, entity: old.entity, action: .exist(causalLength: 99))
        #expect(throws: StoreError.self) { try hubStore.apply([forged]) }
    }
}
