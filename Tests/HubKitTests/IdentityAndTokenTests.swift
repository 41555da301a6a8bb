import Crypto
import Foundation
@testable import HubKit
import SyncEngine
import SyncProtocol
import Testing

/// Issue 14, parts 3 and 5: no node can take an identity the hub knows, no sequence number a
/// peer sends breaks the hub's own writes, and tokens and revocation do what an admin expects.
@Suite struct IdentityAndTokenTests {
    func issue(_ hub: TestHub, _ name: String, lifetime: UInt64 = 3_600_000) async throws -> String {
        try await hub.store.async { try NodeRegistry(store: $0).issueToken(name: name, lifetimeMilliseconds: lifetime, now: hub.clock.now).token }
    }

    func enroll(_ hub: TestHub, _ node: TestNode, token: String, key: [UInt8]? = nil) async throws -> HTTPReply {
        try await hub.request("POST", "/v1/enroll", headers: [("FS-Protocol", "1")], body: node.enrollment(token: token, publicKey: key))
    }

    @Test func noNodeTakesAnIdentityTheHubKnows() async throws {
        try await TestHub.with { hub in
            let token = try await issue(hub, "field-1")
            let before = try await hub.snapshot()
            // The hub's own id, which every enrolled laptop learns at enrollment.
            let impostor = try TestNode(id: try await hub.store.async { try $0.identity() })
            let refused = try await enroll(hub, impostor, token: token)
            #expect(refused.status == 409 && refused.errorCode == "already_enrolled", "\(refused.status) \(refused.errorCode ?? "-")")
            #expect(try await hub.snapshot() == before)

            // A revoked node's id comes back with neither a new token nor its old one.
            let laptop = try TestNode()
            let laptopToken = try await issue(hub, "field-2")
            #expect(try await enroll(hub, laptop, token: laptopToken).status == 200)
            try await hub.store.async { _ = try NodeRegistry(store: $0).revoke(name: "field-2", now: hub.clock.now) }
            #expect(try await enroll(hub, laptop, token: laptopToken).errorCode == "revoked", "the old token's repeat answer")
            let fresh = try await issue(hub, "field-2")
            let back = try await enroll(hub, laptop, token: fresh)
            #expect(back.status == 401 && back.errorCode == "revoked" && back.retry == "stop")
            // An enrolled id with another key, under another name.
            let holder = try TestNode()
            #expect(try await hub.enroll(holder, name: "field-3").status == 200)
            let thief = try await issue(hub, "field-4")
            #expect(try await enroll(hub, holder, token: thief, key: Ed25519.PrivateKey().publicKey.rawRepresentation).errorCode == "already_enrolled")
            // None of the refusals spent a token: they still enroll honest laptops.
            #expect(try await enroll(hub, try TestNode(), token: token).status == 200)
            #expect(try await enroll(hub, try TestNode(), token: fresh).status == 200)
            #expect(try await enroll(hub, try TestNode(), token: thief).status == 200)
        }
    }

    @Test func noSequenceNumberAPeerSendsBreaksTheHubsOwnWrites() async throws {
        try await TestHub.with { hub in
            let attacker = try TestNode(), honest = try TestNode()
            #expect(try await hub.enroll(attacker, name: "field-1").status == 200)
            #expect(try await hub.enroll(honest, name: "field-2").status == 200)
            // Ops under the hub's own id are someone else's origin: refused.
            let hubID = try await hub.store.async { $0.nodeID }
            let forged = attacker.op(1 << 62, EntityID.make(owner: attacker.id), .exist(causalLength: 1), origin: hubID)
            #expect(try await attacker.push(hub, [forged]).errorCode == "foreign_origin")
            // Its own origin with the largest seq the store can hold, and one beyond.
            let entity = EntityID.make(owner: attacker.id)
            let huge = attacker.op(UInt64(Int64.max), entity, .exist(causalLength: 1))
            let beyond = attacker.op(UInt64(Int64.max) + 1, entity, .set(field: "x", value: .int(1), rank: 0, supersedes: []))
            #expect(try await attacker.push(hub, [huge]).status == 200)
            let refused = try await attacker.push(hub, [beyond])
            #expect(refused.status == 400 && refused.errorCode == "malformed", "\(refused.status)")
            // The hub still writes: a new report from an honest laptop is stamped as received.
            let report = honest.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M")
            #expect(try await honest.push(hub, report.ops).status == 200)
            let stamped = try await hub.store.async { try $0.document("report", report.entity)?.fields["hub.receivedAt"] }
            #expect(stamped != nil, "the hub could not write after the attack")
            #expect(try await hub.store.async { try $0.verify() }.isEmpty)
        }
    }

    @Test func tokensAreListedWithoutTheirTextCancelledAndRevocationCancelsThem() async throws {
        try await TestHub.with { hub in
            let first = try await issue(hub, "field-1")
            let second = try await issue(hub, "field-2")
            _ = try await issue(hub, "field-2", lifetime: 120_000)
            let registry = hub.registry
            let listed = try await hub.store.async { _ in try registry.outstandingTokens(now: hub.clock.now) }
            #expect(listed.map(\.name) == ["field-1", "field-2", "field-2"])
            #expect(listed.allSatisfy { $0.id.count == 8 && !first.lowercased().contains($0.id) && !second.lowercased().contains($0.id) })
            let text = TokenListing.text(listed) + String(describing: TokenListing.json(listed))
            #expect(!text.contains(first) && !text.contains(second), "a listing must never show a token")
            // Cancel one by id: it no longer enrolls.
            let byID = try #require(listed.first)
            _ = try await hub.store.async { _ in try registry.cancelTokens(byID.id, now: hub.clock.now) }
            #expect(try await enroll(hub, try TestNode(), token: first).errorCode == "bad_token")
            await #expect(throws: HubError.self) { try await hub.store.async { _ in try registry.cancelTokens("nothing", now: hub.clock.now) } }
            // Revoking a node cancels its outstanding tokens: an older token cannot bring it back.
            let laptop = try TestNode()
            #expect(try await enroll(hub, laptop, token: second).status == 200)
            let spare = try await issue(hub, "field-3")
            try await hub.store.async { _ in _ = try registry.revoke(name: "field-2", now: hub.clock.now) }
            let left = try await hub.store.async { _ in try registry.outstandingTokens(now: hub.clock.now) }
            #expect(left.map(\.name) == ["field-3"], "revocation must cancel field-2's outstanding token")
            #expect(try await enroll(hub, try TestNode(), token: spare).status == 200)
        }
    }

    @Test func aStoreRolledBackByHandStartsANewEpochByItself() async throws {
        let directory = temporaryDirectory() + "/data"
        let clock = TestClock()
        let node = try TestNode()
        let (before, snapshot) = try await offThread { () -> (String, String) in
            let store = try HubStore.create(dataDirectory: directory, mission: "MINUSCA", options: HubStore.options(wallClock: clock.read))
            let token = try NodeRegistry(store: store).issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: clock.now)
            _ = try NodeRegistry(store: store).redeem(tokenHash: EnrollmentToken.hash(token.token), nodeID: node.id,
                                                      publicKey: node.key.publicKey.rawRepresentation, now: clock.now)
            // A copy taken behind the hub's back (no `missionhub backup` mark), then more arrives.
            let snapshot = temporaryDirectory("snapshot") + "/hub.sqlite"
            try store.backup(to: snapshot)
            _ = try store.apply(node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M").ops)
            try NodeRegistry(store: store).accept(node, counter: 5, now: clock.now)
            return (try store.metadata(HubStore.epochKey) ?? "", snapshot)
        }
        // The ops person copies the old file back by hand.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory + "/hub.sqlite" + suffix) }
        try FileManager.default.copyItem(atPath: snapshot, toPath: directory + "/hub.sqlite")
        let (note, epoch, writer, identity, counter) = try await offThread {
            let opened = try HubStore.openForServing(dataDirectory: directory, options: HubStore.options(wallClock: clock.read), now: clock.now)
            return (opened.note, try opened.store.metadata(HubStore.epochKey), opened.store.nodeID, try opened.store.identity(),
                    try NodeRegistry(store: opened.store).nodes().first?.lastCounter)
        }
        #expect(note?.contains("rolled back") == true, "\(note ?? "no note")")
        #expect(epoch != before, "the hub kept serving the old epoch")
        #expect(writer != identity, "the rolled-back hub must write under a new id")
        #expect(counter == 5, "the replay counter was rolled back")
        // Opened again, it is the current epoch: nothing more to do.
        let again = try await offThread {
            try HubStore.openForServing(dataDirectory: directory, options: HubStore.options(wallClock: clock.read), now: clock.now).note
        }
        #expect(again == nil)
    }
}

/// Issue 14, part 1: the private sealing key is not in the store nor its backups; the hub
/// refuses to serve with a key file others can read.
@Suite struct SealingKeyFileTests {
    @Test func thePrivateKeyLivesApartAndLooseModesAreRefused() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let keys = try FileManager.default.contentsOfDirectory(atPath: dir + "/keys").filter { $0 != HubLinkageKey.fileName }
        #expect(keys.count == 1 && keys[0].hasPrefix("sealing-") && keys[0].hasSuffix(".key"))
        let linkage = dir + "/keys/" + HubLinkageKey.fileName
        #expect(try FileManager.default.attributesOfItem(atPath: linkage)[.posixPermissions] as? Int == 0o600)
        let path = dir + "/keys/" + keys[0]
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "mode \(String(mode, radix: 8))")
        let privateHex = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
        let privateKey = try #require(Hex.decode(privateHex))
        // Neither the store nor a backup of it holds the private key.
        let backup = temporaryDirectory("backup") + "/b.sqlite"
        #expect(await runHub(["backup", "--out", backup, "--data-dir", dir]).status == 0)
        let linkageKey = try #require(Hex.decode(try String(contentsOfFile: linkage, encoding: .utf8).trimmingCharacters(in: .newlines)))
        for file in [dir + "/hub.sqlite", dir + "/hub.sqlite-wal", dir + "/registry.sqlite", backup] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            #expect(bytes.range(of: Data(privateKey)) == nil, "\(file) holds the private key")
            #expect(bytes.range(of: Data(linkageKey)) == nil, "\(file) holds the linkage key")
        }
        // A key file group or others can read stops `serve` before it listens.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let loose = await runHub(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir])
        #expect(loose.status == 1 && loose.error.contains("chmod 0600"), "\(loose.error)")
        // A missing key is a warning (sealed reports stay closed), not a refusal.
        try FileManager.default.removeItem(atPath: path)
        let missing = try await offThread { () -> String? in
            let store = try HubStore.open(dataDirectory: dir, options: HubStore.options())
            return try SealingKeyFiles.checkCurrent(store: store, dataDirectory: dir, environment: [:])
        }
        #expect(missing?.contains("cannot be opened") == true)
    }
}

@Suite struct EnrollCommandTests {
    @Test func enrollPrintsTheCommandWithTheHubsRealAddressCAAndPin() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        let config = temporaryDirectory("conf") + "/missionhub.conf"
        try Data("""
            public_url = https://hub.minusca.example
            public_ca_file = /etc/fieldsync/mission-ca.pem
            public_pin = sha256//n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=
            """.utf8).write(to: URL(fileURLWithPath: config))
        let issued = await runHub(["node", "enroll", "desk-1", "--config", config, "--data-dir", dir])
        #expect(issued.status == 0, "\(issued.error)")
        let command = try #require(issued.output.split(separator: "\n").first { $0.contains("fieldnode enroll") })
        #expect(command.contains("--hub https://hub.minusca.example --token "))
        #expect(command.contains("--ca-file /etc/fieldsync/mission-ca.pem"))
        #expect(command.contains("--pin 'sha256//n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg='"))
        // Without a config: a placeholder and the setting that fills it.
        let bare = await runHub(["node", "enroll", "desk-2", "--data-dir", dir])
        #expect(bare.output.contains("--hub https://HUB-ADDRESS") && bare.output.contains("public_url"))
        let bad = temporaryDirectory("conf") + "/bad.conf"
        try Data("public_url = hub.minusca.example\n".utf8).write(to: URL(fileURLWithPath: bad))
        let refused = await runHub(["node", "enroll", "desk-3", "--config", bad, "--data-dir", dir])
        #expect(refused.status == 1 && refused.error.contains("public_url"))
        #expect(await runHub(["node", "tokens", "--json", "--data-dir", dir]).output.contains("desk-2"))
    }
}

/// Issue 14, part 2: quarantine is not a lever against others.
@Suite struct QuarantineLeverTests {
    @Test func oneLaptopsFloodOfFutureStampsIsCappedWithAClearErrorAndOthersGoOn() async throws {
        try await TestHub.with(maxQuarantinedPerNode: 40) { hub in
            let ahead = try TestNode(), honest = try TestNode()
            #expect(try await hub.enroll(ahead, name: "field-ahead").status == 200)
            #expect(try await hub.enroll(honest, name: "field-ok").status == 200)
            let year: UInt64 = 365 * 86_400_000
            func future(_ first: UInt64, _ count: UInt64) -> [Op] {
                (first..<first + count).map { seq in
                    ahead.op(seq, EntityID.make(owner: ahead.id, local: "r\(seq / 4)"), .exist(causalLength: 1), ms: hub.clock.now + year)
                }
            }
            let held = try await ahead.push(hub, future(1, 40))
            #expect(held.status == 200)
            #expect(try PushAck.decode(held.body).perOrigin.first?.quarantined == 40)
            let before = try await hub.snapshot()
            let refused = try await ahead.push(hub, future(41, 1))
            #expect(refused.status == 429 && refused.errorCode == "rate_limited" && refused.retry == "backoff")
            #expect(refused.message?.contains("quarantine") == true && refused.message?.contains("clock") == true)
            #expect(try await hub.snapshot() == before, "a refused batch must change nothing")
            // Another laptop's push is merged as usual.
            let report = honest.report(firstSeq: 1, ref: "MINUSCA-BBBB-2M")
            #expect(try await honest.push(hub, report.ops).status == 200)
            #expect(try await hub.store.async { try $0.document("report", report.entity)?.exists } == true)
            // The admin releases the held ops: the laptop can push again.
            let released = await runHub(["quarantine", "release", "field-ahead", "--data-dir", hub.directory + "/data"], clock: hub.clock)
            #expect(released.status == 0 && released.output.contains("Released 40 changes"), "\(released.error)")
            #expect(try await ahead.push(hub, future(41, 1)).status == 200)
        }
    }
}

@Suite struct LostRegistryTests {
    @Test func aLostRegistryIsSaidAloudAtServe() async throws {
        let directory = temporaryDirectory() + "/data"
        let node = try TestNode()
        try await offThread {
            let store = try HubStore.create(dataDirectory: directory, mission: "MINUSCA", options: HubStore.options())
            _ = try store.apply(node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M").ops)
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory + "/registry.sqlite" + suffix) }
        let note = try await offThread {
            try HubStore.openForServing(dataDirectory: directory, options: HubStore.options(), now: 1).note
        }
        #expect(note?.contains("device registry was lost") == true, "\(note ?? "no note")")
        let again = try await offThread { try HubStore.openForServing(dataDirectory: directory, options: HubStore.options(), now: 1).note }
        #expect(again == nil, "said once, then the new registry is this hub's")
    }
}

/// Issue 15: the listing's index table, kept by a merge observer, always equals the state.
@Suite struct ReportIndexTests {
    @Test func theIndexEqualsTheStateAfterPushesStampsWithdrawalsAndRelease() async throws {
        try await TestHub.with { hub in
            let node = try TestNode()
            #expect(try await hub.enroll(node, name: "field-1").status == 200)
            let a = node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M", child: true)
            let b = node.report(firstSeq: 5, ref: "MINUSCA-BBBB-2M")
            #expect(try await node.push(hub, a.ops + b.ops).status == 200)
            // A withdrawal, an amended ref, and a report held a year ahead then released.
            let withdrawn = node.op(9, b.entity, .exist(causalLength: 2))
            let amended = node.op(10, a.entity, .set(field: "ref", value: .string("MINUSCA-CCCC-2M"), rank: 0,
                                                     supersedes: [OpID(origin: node.id, seq: 2)]))
            #expect(try await node.push(hub, [withdrawn, amended]).status == 200)
            let future = node.report(firstSeq: 11, ref: "MINUSCA-DDDD-2M").ops.map { op in
                node.op(op.seq, op.entity, op.action, ms: hub.clock.now + 365 * 86_400_000)
            }
            #expect(try await node.push(hub, future).status == 200)
            let directory = hub.directory + "/data"
            #expect(await runHub(["quarantine", "release", "--all", "--data-dir", directory], clock: hub.clock).status == 0)
            // The index and a listing built from whole documents agree, field for field.
            let (indexed, fromDocuments) = try await hub.store.async { store in
                let indexed = try ReportIndex.rows(store: store).sorted { $0.entity < $1.entity }
                let documents = try store.documents("report").map(ReportIndexRow.init).sorted { $0.entity < $1.entity }
                return (indexed, documents)
            }
            #expect(indexed.count == 3)
            #expect(indexed == fromDocuments)
            #expect(indexed.first { $0.entity == a.entity }?.ref == "MINUSCA-CCCC-2M")
            #expect(indexed.first { $0.entity == b.entity }?.causalLength == 2)
            #expect(indexed.allSatisfy { $0.receivedAt != nil }, "every report received is stamped in the index too")
        }
    }
}
