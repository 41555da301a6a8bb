import Foundation
import Testing
import SQLite
import SyncProtocol
@testable import SyncEngine

/// Migration `0002-override-quarantine` on a store written before it: the register tables are
/// rebuilt from the op log by the causal-override rule, and quarantined ops are indexed.
@Suite struct MigrationTests {
    static let a = NodeID(bytes: [UInt8](repeating: 0xA1, count: 16))!
    static let b = NodeID(bytes: [UInt8](repeating: 0xB2, count: 16))!

    static func op(_ n: NodeID, _ seq: UInt64, ms: UInt64, _ action: Action) -> Op {
        Op(id: OpID(origin: n, seq: seq), hlc: HLC(milliseconds: ms, counter: 0), collection: "report", entity: "r1", action: action)
    }

    /// Puts the op log back into its shape before `0004-compact-ops`: origins inline, bodies whole.
    static func restoreOpLogOf0003(_ db: Database) throws {
        let rows = try db.query("SELECT n.origin, o.seq, o.local_seq, o.scope, o.received_at, \(StoredBody.columns) FROM ops o \(StoredBody.joins)") {
            [$0[0], $0[1], $0[2], $0[3], $0[4], .blob(try StoredBody.canonical($0, at: 5))]
        }
        try db.execute("""
            DELETE FROM schema_migrations WHERE name = '\(OpLogCompaction.name)';
            DROP TABLE ops;
            DROP TABLE origin_ids;
            DROP TABLE field_names;
            CREATE TABLE ops(origin BLOB NOT NULL CHECK (length(origin) = 16), seq INTEGER NOT NULL CHECK (seq >= 1),
                local_seq INTEGER NOT NULL, scope INTEGER NOT NULL REFERENCES scopes(id), received_at INTEGER NOT NULL,
                body BLOB NOT NULL, PRIMARY KEY (origin, seq)) STRICT, WITHOUT ROWID;
            CREATE INDEX ops_scope ON ops(scope, local_seq);
            """)
        for row in rows { try db.execute("INSERT INTO ops VALUES (?, ?, ?, ?, ?, ?)", row) }
    }

    @Test func aStoreFromBeforeCausalOverrideIsRebuiltFromItsOps() throws {
        let dir = TempDir(), clock = ManualClock()
        let now = clock.milliseconds
        let ops = [
            Self.op(Self.a, 1, ms: now - 10, .exist(causalLength: 1)),
            Self.op(Self.a, 2, ms: now - 5, .set(field: "area", value: .string("Bangui"), rank: 0, supersedes: [])),
            // B saw A/2 and overwrote it, with a clock a little behind A's.
            Self.op(Self.b, 1, ms: now - 8, .set(field: "area", value: .string("Bambari"), rank: 0, supersedes: [OpID(origin: Self.a, seq: 2)])),
            Self.op(Self.b, 2, ms: now + 86_400_000, .set(field: "unit", value: .string("future"), rank: 0, supersedes: [])),
        ]
        var reference = MemoryReplica()
        for op in ops.prefix(3) { reference.apply(op) }
        do {
            let store = try Store.create(path: dir.file("s.db"), role: .hub, options: options(clock))
            _ = try store.apply(ops)
            // Put the file back into the 0001 shape, with the register state the old rule gave
            // (A/2 the winner by hlc, B/1 its conflict) and an unindexed quarantined op.
            try store.queue.sync { db in
                try Self.restoreOpLogOf0003(db)
                try db.execute("""
                    DELETE FROM schema_migrations WHERE name = '0002-override-quarantine';
                    DROP TABLE quarantine;
                    DROP TABLE superseded;
                    CREATE TABLE superseded(entity_id INTEGER NOT NULL, field TEXT NOT NULL, origin BLOB NOT NULL,
                        seq INTEGER NOT NULL, PRIMARY KEY (entity_id, field, origin, seq)) STRICT, WITHOUT ROWID;
                    UPDATE registers SET origin = x'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', seq = 2, value = 'Bangui' WHERE field = 'area';
                    INSERT INTO conflicts SELECT entity_id, field, x'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 1, 4, 'Bambari', 0, 0
                        FROM registers WHERE field = 'area';
                    """)
            }
        }
        let store = try Store.open(path: dir.file("s.db"), options: options(clock))
        #expect(try store.canonicalState() == reference.canonicalState())
        let area = try #require(try store.document("report", "r1")?.fields["area"])
        #expect(area.value == .string("Bambari") && area.conflicts.isEmpty)
        #expect(try store.quarantineSummary().map(\.count) == [1])
        #expect(try store.verify().isEmpty)
        clock.advance(86_400_000)
        #expect(try store.releaseDueQuarantine().releasedEntities == [EntityRef(collection: "report", entity: "r1")])
    }
}
