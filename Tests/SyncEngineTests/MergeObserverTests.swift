import SQLite
import SyncProtocol
import Testing
@testable import SyncEngine

/// The merge observer hook (Store+Observe.swift): called once per op entering state from a
/// peer, with the state before that op, inside the merging transaction.
@Suite struct MergeObserverTests {
    /// Writes one row per observed op: its id, the entity's causal length and the field's heads
    /// before the op, and the receive time. Throws for a field named `boom`.
    struct Recorder: MergeObserver {
        struct Boom: Error {}

        func willMerge(_ op: Op, state: MergeState) throws {
            var field = ""
            if case .set(let name, _, _, _) = op.action { field = name }
            if field == "boom" { throw Boom() }
            let heads = field.isEmpty ? [] : try state.heads(op.collection, op.entity, field).map(\.id.seq)
            let tags = try state.presentTags(op.collection, op.entity, "tags").map(\.seq)
            try state.database.execute("INSERT INTO seen(seq, length, heads, tags, received_at) VALUES (?, ?, ?, ?, ?)", [
                .integer(Int64(op.seq)), .integer(Int64(try state.causalLength(op.collection, op.entity))),
                .text(heads.map(String.init).joined(separator: ",")), .text(tags.map(String.init).joined(separator: ",")),
                .integer(Int64(state.receivedAt)),
            ])
        }
    }

    struct Seen: Equatable {
        let seq: Int64, length: Int64, heads: String, tags: String, receivedAt: Int64
    }

    static func seen(_ store: Store) throws -> [Seen] {
        try store.local { db in
            try db.query("SELECT seq, length, heads, tags, received_at FROM seen ORDER BY rowid") {
                Seen(seq: $0.int64(0) ?? 0, length: $0.int64(1) ?? 0, heads: $0.string(2) ?? "", tags: $0.string(3) ?? "",
                     receivedAt: $0.int64(4) ?? 0)
            }
        }
    }

    func hub(_ dir: TempDir, _ clock: ManualClock) throws -> Store {
        var o = options(clock)
        o.localMigrations = [LocalMigration("test-seen") { db in
            try db.execute("CREATE TABLE seen(seq INTEGER, length INTEGER, heads TEXT, tags TEXT, received_at INTEGER)")
        }]
        o.mergeObserver = Recorder()
        return try Store.create(path: dir.file("hub.sqlite"), role: .hub, options: o)
    }

    func op(_ node: NodeID, _ seq: UInt64, _ action: Action, ms: UInt64) -> Op {
        Op(id: OpID(origin: node, seq: seq), hlc: HLC(milliseconds: ms, counter: 0), collection: "report",
           entity: EntityID.make(owner: node, local: "r1"), action: action)
    }

    @Test func seesTheStateBeforeEachOpOnceAndRollsBackWithTheBatch() throws {
        let dir = TempDir(), clock = ManualClock()
        let store = try hub(dir, clock)
        let node = NodeID.random(), first = clock.milliseconds, t = first
        let batch = [
            op(node, 1, .exist(causalLength: 1), ms: t),
            op(node, 2, .set(field: "x", value: .int(1), rank: 0, supersedes: []), ms: t + 1),
            op(node, 3, .set(field: "x", value: .int(2), rank: 0, supersedes: [OpID(origin: node, seq: 2)]), ms: t + 2),
            op(node, 4, .add(field: "tags", element: .string("a")), ms: t + 3),
            op(node, 5, .exist(causalLength: 2), ms: t + 4),
        ]
        _ = try store.apply(batch)
        let expected = [Seen(seq: 1, length: 0, heads: "", tags: "", receivedAt: Int64(first)),
                        Seen(seq: 2, length: 1, heads: "", tags: "", receivedAt: Int64(first)),
                        Seen(seq: 3, length: 1, heads: "2", tags: "", receivedAt: Int64(first)),
                        Seen(seq: 4, length: 1, heads: "", tags: "", receivedAt: Int64(first)),
                        Seen(seq: 5, length: 1, heads: "", tags: "4", receivedAt: Int64(first))]
        #expect(try Self.seen(store) == expected)

        clock.advance(1000)
        _ = try store.apply(batch)  // redelivery: duplicates are not observed
        try store.write { tx in try tx.set("report", EntityID.make(owner: node, local: "r1"), "x", .int(3)) }  // nor own writes
        #expect(try Self.seen(store) == expected)

        // Far ahead: quarantined, observed only when released, with its arrival time.
        let arrival = clock.milliseconds
        _ = try store.apply([op(node, 6, .exist(causalLength: 3), ms: arrival + 3_600_000)])
        #expect(try Self.seen(store).count == 5)
        clock.advance(3_700_000)
        #expect(try store.releaseQuarantine() == 1)
        #expect(try Self.seen(store).last == Seen(seq: 6, length: 2, heads: "", tags: "4", receivedAt: Int64(arrival)))

        // An observer that throws refuses the batch: no op, no state, no row of it is kept.
        let before = try store.stateListing()
        #expect(throws: Recorder.Boom.self) {
            try store.apply([op(node, 7, .set(field: "y", value: .int(1), rank: 0, supersedes: []), ms: clock.milliseconds),
                             op(node, 8, .set(field: "boom", value: .int(1), rank: 0, supersedes: []), ms: clock.milliseconds)])
        }
        #expect(try Self.seen(store).count == 6)
        #expect(try store.stateListing() == before)
        #expect(try store.storedOps([OpID(origin: node, seq: 7)]).isEmpty)

        // The op log keeps every body: superseded values stay readable.
        let stored = try store.storedOps([OpID(origin: node, seq: 2), OpID(origin: node, seq: 99)])
        #expect(stored.count == 1 && stored[OpID(origin: node, seq: 2)]?.op == batch[1])
        #expect(stored[OpID(origin: node, seq: 2)]?.receivedAt == first)
    }
}
