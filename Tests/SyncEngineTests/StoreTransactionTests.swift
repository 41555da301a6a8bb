import SQLite
import SyncProtocol
import Testing
@testable import SyncEngine

/// Issue 15: one transaction unit — peer ops, local replicated writes, own rows and reads, all
/// or nothing — whose own-rows access cannot write the engine's tables.
@Suite struct StoreTransactionTests {
    static let ownTable = LocalMigration("test-0001-notes") { db in
        try db.execute("CREATE TABLE notes(entity TEXT NOT NULL, text TEXT NOT NULL) STRICT")
    }

    func makeStores(_ dir: TempDir, _ clock: ManualClock) throws -> (node: Store, hub: Store) {
        var hubOptions = options(clock)
        hubOptions.localMigrations = [Self.ownTable]
        return (try Store.create(path: dir.file("node.db"), role: .node, options: options(clock)),
                try Store.create(path: dir.file("hub.db"), role: .hub, options: hubOptions))
    }

    @Test func peerOpsLocalWritesAndOwnRowsCommitTogetherOrNotAtAll() throws {
        let dir = TempDir(), clock = ManualClock()
        let (node, hub) = try makeStores(dir, clock)
        let entity = EntityID.make(owner: node.nodeID)
        let ops = try node.write { tx in
            try tx.create("report", entity)
            try tx.set("report", entity, "incident.area", .string("Bria"))
            return tx.ops
        }
        struct Refused: Error {}
        // A failure after every kind of step keeps none of them.
        #expect(throws: Refused.self) {
            try hub.transaction { tx in
                try tx.apply(ops)
                try tx.write { try $0.set("report", entity, "hub.receivedAt", .int(1)) }
                try tx.local { try $0.execute("INSERT INTO notes VALUES (?, 'derived')", [.text(entity)]) }
                throw Refused()
            }
        }
        #expect(try hub.document("report", entity) == nil)
        #expect(try hub.counts().ops == 0)
        #expect(try hub.local { try $0.scalar("SELECT count(*) FROM notes", as: Int64.self) } == 0)
        // The same steps commit together; each reads what the earlier ones did.
        let seen = try hub.transaction { tx -> String? in
            let outcome = try tx.apply(ops)
            #expect(outcome.merged == ops.count)
            try tx.write { try $0.set("report", entity, "hub.receivedAt", .int(1)) }
            try tx.local { try $0.execute("INSERT INTO notes VALUES (?, 'derived')", [.text(entity)]) }
            #expect(try tx.originStates([node.nodeID]).first?.contiguous == UInt64(ops.count))
            return try tx.document("report", entity)?.string("incident.area")
        }
        #expect(seen == "Bria")
        #expect(try hub.document("report", entity)?.value("hub.receivedAt") == .int(1))
        #expect(try hub.local { try $0.scalar("SELECT count(*) FROM notes", as: Int64.self) } == 1)
        #expect(try hub.verify().isEmpty)
    }

    static func notAuthorized(_ error: any Error) -> Bool {
        (error as? StoreError)?.underlying?.code == .auth || (error as? DatabaseError)?.code == .auth
    }

    @Test func ownRowsCannotWriteTheEnginesTables() throws {
        let dir = TempDir(), clock = ManualClock()
        let (_, hub) = try makeStores(dir, clock)
        try hub.write { try $0.create("report", "r1") }
        let before = try hub.counts()
        let forbidden = [
            "UPDATE meta SET value = 0 WHERE key = 'hlc'", "DELETE FROM ops", "INSERT INTO origins VALUES (x'00', 1, 1)",
            "UPDATE registers SET value = 'x'", "DELETE FROM main.entities", "DROP TABLE peers",
            "CREATE TRIGGER sneak AFTER INSERT ON notes BEGIN DELETE FROM ops; END",
            "CREATE TRIGGER watch AFTER INSERT ON ops BEGIN SELECT 1; END", "ALTER TABLE ops ADD COLUMN x",
            "CREATE INDEX sneaky ON ops(received_at)",
        ]
        for sql in forbidden {
            #expect("\(sql)") { try hub.local { try $0.execute(sql) } } throws: { Self.notAuthorized($0) }
            #expect("\(sql)") { try hub.transaction { tx in try tx.local { try $0.execute(sql) } } } throws: { Self.notAuthorized($0) }
        }
        // Reading them is fine, and so is writing its own table.
        #expect(try hub.local { try $0.scalar("SELECT count(*) FROM ops", as: Int64.self) } == Int64(before.ops))
        try hub.local { try $0.execute("INSERT INTO notes VALUES ('r1', 'ok')") }
        #expect(try hub.counts() == before)
        // The engine's own statements still work after a guard (the statement cache was reset).
        try hub.write { try $0.set("report", "r1", "area", .string("Bangui")) }
        #expect(try hub.verify().isEmpty)
    }
}

/// An observer deriving a row from the merged state, committed with the ops.
struct DerivedAreaObserver: MergeObserver {
    func willMerge(_ op: Op, state: MergeState) throws {}
    func didMerge(_ op: Op, state: MergeState) throws {
        guard case .set(let field, _, _, _) = op.action, field == "incident.area",
              let winner = try state.winner(op.collection, op.entity, field), case .string(let area) = winner.value else { return }
        try state.database.execute("INSERT INTO notes VALUES (?, ?)", [.text(op.entity), .text(area)])
    }
}

@Suite struct DidMergeObserverTests {
    @Test func aRowDerivedAfterEachMergeSeesTheMergedStateAndCommitsWithTheOps() throws {
        let dir = TempDir(), clock = ManualClock()
        var hubOptions = options(clock)
        hubOptions.localMigrations = [StoreTransactionTests.ownTable]
        hubOptions.mergeObserver = DerivedAreaObserver()
        let node = try Store.create(path: dir.file("node.db"), role: .node, options: options(clock))
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: hubOptions)
        let entity = EntityID.make(owner: node.nodeID)
        let ops = try node.write { tx in
            try tx.create("report", entity)
            try tx.set("report", entity, "incident.area", .string("Bria"))
            return tx.ops
        }
        struct Refused: Error {}
        #expect(throws: Refused.self) { try hub.transaction { tx in try tx.apply(ops); throw Refused() } }
        #expect(try hub.local { try $0.scalar("SELECT count(*) FROM notes", as: Int64.self) } == 0)
        _ = try hub.apply(ops)
        #expect(try hub.local { try $0.scalar("SELECT text FROM notes", as: String.self) } == "Bria")
    }
}

/// Issue 15: readers beside the writer, and stores open as documented.
@Suite struct ReaderAndPragmaTests {
    @Test func aReadSeesTheLastCommitWithoutWaitingForAnOpenWrite() async throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        try hub.write { try $0.create("ref.mission", "MINUSCA") }
        let committed = try hub.read { try $0.scalar("SELECT count(*) FROM ops", as: Int64.self) }
        #expect(committed == 1)
        // Inside an open write transaction (the writer's lock held), a read answers at once with
        // the last committed state, not the uncommitted one.
        let seen = try hub.transaction { tx -> Int64? in
            try tx.write { try $0.create("ref.mission", "MINUSMA") }
            return try hub.read { try $0.scalar("SELECT count(*) FROM ops", as: Int64.self) }
        }
        #expect(seen == 1)
        let after = try await hub.readAsync { try $0.scalar("SELECT count(*) FROM ops", as: Int64.self) }
        #expect(after == 2)
        // Readers cannot write.
        #expect(throws: (any Error).self) { try hub.read { try $0.execute("DELETE FROM ops") } }
        // A pull served from a reader sees every committed op.
        let slice = try hub.opsForPull(scopes: [ScopePolicy.reference], excludingOrigin: nil, after: 0)
        #expect(slice.ops.count == 2)
    }

    @Test(arguments: [Synchronous.full, .normal])
    func storesOpenInWALWithTheDocumentedSynchronousLevel(_ level: Synchronous) throws {
        let dir = TempDir(), clock = ManualClock()
        var o = options(clock)
        o.synchronous = level
        let store = try Store.create(path: dir.file("s.db"), role: .node, options: o)
        for opened in [store, try Store.open(path: dir.file("s.db"), options: o)] {
            let (mode, sync) = try opened.local { db in
                (try db.scalar("PRAGMA journal_mode", as: String.self), try db.scalar("PRAGMA synchronous", as: Int64.self))
            }
            #expect(mode == "wal")
            #expect(sync == (level == .full ? 2 : 1))
        }
    }
}

@Suite struct PullSkipsOwnOpsTests {
    /// Issue 15: after a push the node's pull must not walk back through what it just sent.
    @Test func onePullMovesPastThePullersOwnOps() throws {
        let dir = TempDir(), clock = ManualClock()
        let hub = try Store.create(path: dir.file("hub.db"), role: .hub, options: options(clock))
        let node = try Store.create(path: dir.file("node.db"), role: .node, options: options(clock))
        let entity = EntityID.make(owner: node.nodeID)
        try node.write { tx in for i in 0..<3000 { try tx.set("report", entity, "f\(i)", .int(Int64(i))) } }
        try node.pushAll(to: hub)
        try hub.write { try $0.set("report", entity, "hub.receivedAt", .int(1)) }  // one op for the node
        let scopes = ScopePolicy.scopes(for: node.nodeID)
        let slice = try hub.opsForPull(scopes: scopes, excludingOrigin: node.nodeID, after: 0, maxOps: 1000)
        #expect(slice.ops.count == 1 && !slice.more, "\(slice.ops.count) ops, more \(slice.more)")
        let last = try hub.read { try $0.scalar("SELECT max(local_seq) FROM ops", as: Int64.self) }
        #expect(slice.nextCursor == last)
        // Nothing new: the cursor stays where it is.
        let again = try hub.opsForPull(scopes: scopes, excludingOrigin: node.nodeID, after: slice.nextCursor, maxOps: 1000)
        #expect(again.ops.isEmpty && again.nextCursor == slice.nextCursor && !again.more)
    }
}
