import Foundation
@testable import HubKit
import SQLite
import Synchronization
import SyncEngine
import SyncProtocol
import Testing

@Suite struct BackupTests {
    @Test func backupWhileAWriterRunsIsConsistent() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let node = try TestNode()
        let running = Atomic<Bool>(true)
        let written = Atomic<Int>(0)
        let writer = Thread {
            // A second connection, as `missionhub serve` would hold while the backup runs.
            guard let store = try? HubStore.open(dataDirectory: dir, options: HubStore.options()) else { return }
            var seq: UInt64 = 1
            while running.load(ordering: .relaxed) {
                let report = node.report(firstSeq: seq, ref: "MINUSCA-\(seq)")
                guard (try? store.apply(report.ops)) != nil else { return }
                seq += 4
                written.add(1, ordering: .relaxed)
            }
        }
        writer.start()
        while written.load(ordering: .relaxed) < 20 { try await Task.sleep(for: .milliseconds(5)) }
        let out = temporaryDirectory("backup") + "/hub-backup.sqlite"
        let result = await runHub(["backup", "--out", out, "--data-dir", dir])
        let atBackup = written.load(ordering: .relaxed)
        while written.load(ordering: .relaxed) < atBackup + 5 { try await Task.sleep(for: .milliseconds(5)) }
        running.store(false, ordering: .relaxed)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("integrity check ok"))

        // The copy is one self-contained file, marked as a backup: served as it is, it is refused.
        #expect(!FileManager.default.fileExists(atPath: out + "-wal"))
        let copied = temporaryDirectory("copied")
        try FileManager.default.copyItem(atPath: out, toPath: copied + "/hub.sqlite")
        let refused = await runHub(["node", "list", "--data-dir", copied])
        #expect(refused.status == 1 && refused.error.contains("is a backup") && refused.error.contains("missionhub restore"))
        // `restore` makes it a store again: whole reports only.
        let restored = temporaryDirectory("restore")
        let restoring = await runHub(["restore", "--from", out, "--data-dir", restored])
        #expect(restoring.status == 0, "\(restoring.error)")
        let (problems, documents, ops) = try await offThread {
            let store = try HubStore.open(dataDirectory: restored, options: HubStore.options())
            return (try store.verify(), try store.documents("report"), try store.counts().ops)
        }
        #expect(problems.isEmpty)
        #expect(documents.count >= 20)
        #expect(ops == documents.count * 4)
        #expect(documents.allSatisfy { $0.string("ref") != nil && $0.value("derived.involvesChild") != nil })

        let again = await runHub(["backup", "--out", out, "--data-dir", dir])
        #expect(again.status == 1 && again.error.contains("already exists"))
        #expect(HubCLI.suggestedBackupName(now: 1_763_900_000_250) == "hub-20251123-121320.sqlite")
        let nowhere = await runHub(["backup", "--out", "/nonexistent-dir/x.sqlite", "--data-dir", dir])
        #expect(nowhere.status == 1 && nowhere.error.contains("backup"))
    }

    /// The cause of `backupWhileAWriterRunsIsConsistent`'s "internal error (StoreError)", exit
    /// 70: the backup's audit entry (BEGIN IMMEDIATE, after the copy) met a writer holding the
    /// lock past the busy timeout, got SQLITE_BUSY and failed the command. The entry now waits.
    @Test func theAuditEntryWaitsForAWriterThatHoldsTheLockPastTheBusyTimeout() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let locked = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0)
        // Another connection, as `missionhub serve` would hold: it takes the write lock and lets
        // go 0.4 s after being told to.
        let writer = Thread {
            guard let db = try? Database(path: dir + "/hub.sqlite", options: DatabaseOptions(create: false)),
                  (try? db.execute("BEGIN IMMEDIATE")) != nil, (try? db.execute("CREATE TABLE scratch_lock_holder(x)")) != nil
            else { locked.signal(); return }
            locked.signal()
            go.wait()
            Thread.sleep(forTimeInterval: 0.4)
            try? db.execute("ROLLBACK")
            try? db.close()
        }
        writer.start()
        try await offThread {
            locked.wait()
            var options = HubStore.options()
            options.busyTimeoutMilliseconds = 50
            let store = try HubStore.open(dataDirectory: dir, options: options)
            // Without patience: SQLITE_BUSY, as before.
            do {
                try AuditLog.record(store: store, actor: .hub, action: .hubBackup, target: ["file": "x"], at: 1, patience: .zero)
                Issue.record("the audit entry was written while another connection held the write lock")
            } catch let error as StoreError {
                #expect(AuditLog.isBusy(error), "\(error)")
            }
            // With it (the default): written once the writer lets go, well after the busy timeout.
            go.signal()
            try AuditLog.record(store: store, actor: .hub, action: .hubBackup, target: ["file": "y"], at: 2)
            let (entries, _) = try AuditLog.load(store: store)
            #expect(entries.last?.action == AuditAction.hubBackup.rawValue)
            #expect(entries.last?.targetMembers.contains { $0 == ("file", "y") } == true)
        }
    }
}
