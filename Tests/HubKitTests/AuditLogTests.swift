import Foundation
@testable import HubKit
import JSON
import SQLite
import SyncEngine
import SyncProtocol
import Testing

/// The audit log on real hub files: what is recorded, by whom, in which transaction; a forgery
/// written into the file is caught; a restore continues the chain; the registry's anchor
/// catches a cut tail even after the hub writes on.
@Suite struct AuditLogTests {
    static let narrative = "Zebra-quartz narrative 9317 about the checkpoint"

    /// The audit table's every column as text, for greps.
    static func auditText(_ path: String) throws -> String {
        let db = try Database(path: path, options: DatabaseOptions(readOnly: true, create: false))
        defer { try? db.close() }
        return try db.query("SELECT actor_kind, actor, action, target FROM hub_audit ORDER BY seq") {
            [$0.string(0), $0.string(1), $0.string(2), $0.string(3)].compactMap { $0 }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    static func entries(_ store: Store) throws -> [AuditEntry] { try AuditLog.load(store: store).entries }

    @Test func pushesThatChangeReceivedReportsAndEveryOpeningAreOnRecordWithoutContent() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            #expect(try await hub.enroll(node, name: "field-1").status == 200)
            let report = node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M")
            let narrative = node.op(5, report.entity, .set(field: "allegation.narrative", value: .string(Self.narrative), rank: 0, supersedes: []))
            #expect(try await node.push(hub, report.ops + [narrative]).status == 200)
            let before = try await hub.store.async { try Self.entries($0) }
            #expect(!before.contains { $0.action.hasPrefix("report.") }, "a new report is not an amendment")
            #expect(before.contains { $0.action == "node.enrolled" && $0.actor == node.id.hex && $0.actorKind == "node" })
            // An amendment of the narrative and a withdrawal, after receipt.
            let amended = node.op(6, report.entity, .set(field: "allegation.narrative", value: .string(Self.narrative + " (amended)"),
                                                         rank: 0, supersedes: [OpID(origin: node.id, seq: 5)]))
            let withdrawn = node.op(7, report.entity, .exist(causalLength: 2))
            #expect(try await node.push(hub, [amended, withdrawn]).status == 200)
            let directory = hub.directory + "/data"
            let shown = await runHub(["report", "show", "MINUSCA-AAAA-2M", "--data-dir", directory],
                                     environment: ["HOME": "/nonexistent", "SUDO_USER": "alice"], clock: hub.clock)
            #expect(shown.status == 0 && shown.output.contains(Self.narrative), "\(shown.error)")
            let entries = try await hub.store.async { try Self.entries($0) }
            let change = entries.first { $0.action == "report.amended" }
            #expect(change?.actor == node.id.hex && change?.actorKind == "node")
            #expect(change?.targetMembers.contains { $0 == ("field", "allegation.narrative") } == true)
            #expect(change?.targetMembers.contains { $0 == ("op", "\(node.id.hex):6") } == true)
            #expect(entries.contains { $0.action == "report.withdrawn" && $0.targetMembers.contains { $0 == ("report", report.entity) } })
            let opened = entries.last
            #expect(opened?.action == "report.show" && opened?.actor == "alice" && opened?.actorKind == "admin")
            #expect(opened?.targetMembers.contains { $0 == ("ref", "MINUSCA-AAAA-2M") } == true)
            // Never content: the narrative's distinctive words are nowhere in the table.
            let text = try Self.auditText(directory + "/hub.sqlite")
            #expect(!text.contains("Zebra") && !text.contains("9317") && !text.contains("checkpoint"), "\(text)")
            let verified = await runHub(["audit", "verify", "--data-dir", directory], clock: hub.clock)
            #expect(verified.status == 0 && verified.output.contains("intact: \(entries.count) entries"), "\(verified.output)\(verified.error)")
        }
    }

    @Test func aForgedEntryWrittenIntoTheFileIsNamed() async throws {
        let directory = temporaryDirectory("audit-forged")
        for command in [["init", "--mission", "MINUSCA"], ["node", "enroll", "desk-1"], ["node", "enroll", "desk-2"],
                        ["node", "list"], ["report", "list"], ["node", "tokens"]] {
            #expect(await runHub(command + ["--data-dir", directory]).status == 0)
        }
        // Someone with the file: drop the guards, make room at #4, write a well-formed entry
        // chained to #3 (as this program would), and fix the registry's anchor too.
        let path = directory + "/hub.sqlite"
        let db = try Database(path: path, options: DatabaseOptions(create: false))
        let third = try #require(try db.queryFirst("SELECT hash FROM hub_audit WHERE seq = 3") { $0.blob(0) } ?? nil)
        let forged = AuditEntry.make(seq: 4, at: 1, actor: .admin(environment: ["SUDO_USER": "bob"]), action: .nodeRevoked,
                                     target: ["name": "desk-9"], previous: third)
        try db.execute("""
            DROP TRIGGER hub_audit_append_only_update;
            UPDATE hub_audit SET seq = seq + 1000 WHERE seq >= 4;
            UPDATE hub_audit SET seq = seq - 999 WHERE seq >= 1000;
            """)
        try db.execute("INSERT INTO hub_audit(\(AuditEntry.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            .integer(4), .integer(1), .text(forged.actorKind), .text(forged.actor), .text(forged.action), .text(forged.target),
            .blob(forged.previousHash), .blob(forged.hash),
        ])
        try db.close()
        let verified = await runHub(["audit", "verify", "--data-dir", directory])
        #expect(verified.status == 1, "\(verified.output)")
        #expect(verified.error.contains("entry #4 (") && verified.error.contains("was inserted") && verified.error.contains("by bob"),
                "\(verified.error)")
    }

    @Test func aRestoreContinuesTheBackupsChainAndNamesTheHeadItReplaced() async throws {
        let directory = temporaryDirectory("audit-restore")
        let backup = temporaryDirectory("audit-backup") + "/hub.sqlite"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", directory]).status == 0)
        #expect(await runHub(["node", "enroll", "desk-1", "--data-dir", directory]).status == 0)
        #expect(await runHub(["backup", "--out", backup, "--data-dir", directory]).status == 0)
        #expect(await runHub(["node", "enroll", "desk-2", "--data-dir", directory]).status == 0)
        #expect(await runHub(["node", "list", "--data-dir", directory]).status == 0)
        let replaced = try await offThread {
            let store = try HubStore.open(dataDirectory: directory, options: HubStore.options())
            return try Self.entries(store)
        }
        #expect(await runHub(["restore", "--from", backup, "--data-dir", directory]).status == 0)
        let (entries, anchor) = try await offThread {
            try AuditLog.load(store: try HubStore.open(dataDirectory: directory, options: HubStore.options()))
        }
        // The backup held init, key, token (the backup's own entry came after its copy); then the restore.
        #expect(entries.map(\.action) == ["hub.init", "key.created", "node.token-issued", "hub.restore"])
        #expect(Array(entries.prefix(3)) == Array(replaced.prefix(3)), "the restored chain is the backup's, untouched")
        let restore = try #require(entries.last)
        #expect(restore.targetMembers.contains { $0 == ("replacedCount", String(replaced.count)) })
        #expect(restore.targetMembers.contains { $0 == ("replacedHead", Hex.encode(replaced.last?.hash ?? [])) })
        #expect(anchor == AuditLog.Head(count: 4, hash: restore.hash), "the registry follows the restored chain")
        let verified = await runHub(["audit", "verify", "--data-dir", directory])
        #expect(verified.status == 0 && verified.output.contains("note: entry #4"), "\(verified.output)\(verified.error)")
    }

    @Test func theRegistryAnchorCatchesACutTailAndTheHubRecordsItWhenItWritesOn() async throws {
        let directory = temporaryDirectory("audit-cut")
        for command in [["init", "--mission", "MINUSCA"], ["node", "enroll", "desk-1"], ["report", "list"], ["node", "list"]] {
            #expect(await runHub(command + ["--data-dir", directory]).status == 0)
        }
        let db = try Database(path: directory + "/hub.sqlite", options: DatabaseOptions(create: false))
        try db.execute("DROP TRIGGER hub_audit_append_only_delete; DELETE FROM hub_audit WHERE seq >= 4")
        try db.close()
        let cut = await runHub(["audit", "verify", "--data-dir", directory])
        #expect(cut.status == 1 && cut.error.contains("registry.sqlite's anchor says it had 5") && cut.error.contains("entries #4–#5"),
                "\(cut.error)")
        // The next command writes on: the mismatch is recorded first, so it stays on record.
        #expect(await runHub(["node", "list", "--data-dir", directory]).status == 0)
        let later = await runHub(["audit", "verify", "--data-dir", directory])
        #expect(later.status == 0 && later.output.contains("WARNING: registry.sqlite's anchor disagreed with the log at entry #4"),
                "\(later.output)\(later.error)")
        #expect(later.output.contains("anchorCount=5") && later.output.contains("chainCount=3"))
        let listed = await runHub(["audit", "list", "--json", "--action", "audit", "--data-dir", directory])
        #expect(try JSON.parse(listed.output).arrayValue?.count == 1)
    }
}

extension AuditLogTests {
    /// Copies `hub.sqlite` of `directory` to `to` by hand (not `missionhub backup`).
    static func copyByHand(_ directory: String, to path: String) throws {
        let copy = try Database(path: directory + "/hub.sqlite", options: DatabaseOptions(readOnly: true, create: false))
        try copy.backup(to: path)
        try copy.close()
    }

    static func putBack(_ path: String, into directory: String) throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory + "/hub.sqlite" + suffix) }
        try FileManager.default.copyItem(atPath: path, toPath: directory + "/hub.sqlite")
    }

    @Test func anOlderFilePutBackByHandIsCaughtByTheAnchorAndRecordedAtStart() async throws {
        let directory = temporaryDirectory("audit-rollback")
        let saved = temporaryDirectory("audit-rollback-copy") + "/hub.sqlite"
        let backup = temporaryDirectory("audit-rollback-backup") + "/hub.sqlite"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", directory]).status == 0)
        try Self.copyByHand(directory, to: saved)
        #expect(await runHub(["node", "enroll", "desk-1", "--data-dir", directory]).status == 0)
        // Admin work writes no op, so the epoch marks cannot see the file put back: the anchor does.
        try Self.putBack(saved, into: directory)
        let caught = await runHub(["audit", "verify", "--data-dir", directory])
        #expect(caught.status == 1 && caught.error.contains("says it had 3") && caught.error.contains("cut off"), "\(caught.error)")
        // A restore (a new epoch), then the hand copy put back again: `serve` starts a new epoch
        // and records it with the head of the chain it replaced.
        #expect(await runHub(["backup", "--out", backup, "--data-dir", directory]).status == 0)
        #expect(await runHub(["restore", "--from", backup, "--data-dir", directory]).status == 0)
        let restored = try await offThread { try Self.entries(try HubStore.open(dataDirectory: directory, options: HubStore.options())) }
        try Self.putBack(saved, into: directory)
        let entries = try await offThread {
            let opened = try HubStore.openForServing(dataDirectory: directory, options: HubStore.options(), now: 1)
            #expect(opened.note?.contains("started epoch") == true, "\(opened.note ?? "no note")")
            return try Self.entries(opened.store)
        }
        #expect(entries.map(\.action) == ["hub.init", "key.created", "hub.rolled-back"])
        #expect(entries.last?.actorKind == "hub")
        #expect(entries.last?.targetMembers.contains { $0 == ("replacedCount", String(restored.count)) } == true, "\(entries.last?.target ?? "")")
        let verified = await runHub(["audit", "verify", "--data-dir", directory])
        #expect(verified.status == 0 && verified.output.contains("note: entry #3"), "\(verified.output)\(verified.error)")
    }
}
