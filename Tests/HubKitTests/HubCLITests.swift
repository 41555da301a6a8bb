import Crypto
import Foundation
@testable import HubKit
import JSON
import SyncEngine
import SyncProtocol
import Testing
import Toolkit

@Suite struct HubCLITests {
    @Test func helpAndUsageErrors() async {
        let help = await runHub(["--help"])
        #expect(help.status == 0 && help.output.contains("USAGE: missionhub") && help.error.isEmpty)
        for path in [["node", "--help"], ["node", "enroll", "--help"], ["serve", "--help"], ["backup", "-h"], ["report", "list", "--help"], ["report", "show", "--help"]] {
            let result = await runHub(path)
            #expect(result.status == 0, "\(path)")
            #expect(result.output.contains("USAGE: missionhub \(path.filter { !$0.hasPrefix("-") }.joined(separator: " "))"), "\(path)")
        }
        for bad in [[], ["nonsense"], ["node"], ["node", "enroll"], ["init", "--mision", "X"], ["init"], ["backup"],
                    ["serve", "--listen", "127.0.0.1:1", "--unix", "/tmp/x.sock"], ["report", "list", "extra"], ["report", "show"], ["report", "show", "A", "B"]] {
            let result = await runHub(bad + ["--data-dir", temporaryDirectory()])
            #expect(result.status == 64, "\(bad)")
            #expect(result.error.hasPrefix("error: "), "\(bad)")
            #expect(result.output.isEmpty, "\(bad)")
        }
    }

    @Test func versionNamesTheReleaseAndTheProtocol() async {
        let result = await runHub(["--version"])
        #expect(result.status == 0 && result.error.isEmpty)
        #expect(result.output == "missionhub \(ProductVersion.release) (protocol \(RequestSigning.protocolVersion))\n")
        #expect(result.output.hasPrefix("missionhub 0.") && result.output.hasSuffix(" (protocol 1)\n"))
        let help = await runHub(["--help"])
        #expect(help.output.contains("  --version               Show the version.\n"))
    }

    /// Every bad value or combination is refused by the parser, with 64, before the data
    /// directory (or any store in it) is touched; the message names the option and says what to write.
    @Test func badValuesAreUsageErrorsBeforeAnyStateOpens() async throws {
        let dir = temporaryDirectory() + "/hub"
        for (arguments, message) in [
            (["init", "--mission", "m"], "error: 'm' for '--mission <code>' is not a mission code"),
            (["init"], "error: missing option '--mission <code>'"),
            (["backup"], "error: missing option '--out <file>'"),
            (["backup", "--out="], "error: missing value for option '--out <file>'"),
            (["restore"], "error: missing option '--from <file>'"),
            (["node", "enroll", "field-1", "--expires", "1d2h"], "error: '1d2h' for '--expires <lifetime>' is not a token lifetime"),
            (["serve", "--listen", "localhost"], "error: 'localhost' for '--listen <host:port>' is not a listen address"),
            (["serve", "--unix", "hub.sock"], "error: 'hub.sock' for '--unix <path>' is not an absolute path"),
            (["serve", "--listen", "127.0.0.1:1", "--unix", "/tmp/x.sock"], "error: give either --listen <host:port> or --unix <path>, not both"),
            (["quarantine", "release"], "error: give <node> or --all"),
            (["quarantine", "release", "field-1", "--all"], "error: give either <node> or --all, not both"),
        ] {
            let result = await runHub(arguments + ["--data-dir", dir])
            #expect(result.status == 64, "\(arguments)")
            let lines = result.error.split(separator: "\n").map(String.init)
            #expect(lines.first == message, "\(arguments)")
            #expect(lines.dropLast().last?.hasPrefix("Usage: missionhub \(arguments[0])") == true, "\(arguments)")
            #expect(lines.last == "  See 'missionhub \(arguments.prefix { !$0.hasPrefix("-") }.prefix(2).filter { $0 != "field-1" }.joined(separator: " ")) --help' for more information.", "\(arguments)")
            #expect(result.output.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir), "\(arguments)")
        }
        let help = await runHub(["init", "--help"])
        #expect(help.output.contains("USAGE: missionhub init --mission <code> [--data-dir <dir>]\n"))
        #expect(await runHub(["backup", "--help"]).output.contains("USAGE: missionhub backup --out <file> [--data-dir <dir>]\n"))
    }

    @Test func errorsOfACommandUseTheOneStyle() async {
        let dir = temporaryDirectory() + "/hub"
        let result = await runHub(["node", "list", "--data-dir", dir])
        #expect(result.status == 1)
        #expect(result.error == "error: no hub store in this data directory\nhint: run `missionhub init --mission CODE` first, or pass --data-dir\n")
    }

    @Test func initOnceThenCommandsWork() async throws {
        let dir = temporaryDirectory() + "/hub"
        let before = await runHub(["node", "list", "--data-dir", dir])
        #expect(before.status == 1 && before.error.contains("missionhub init"))
        // A bad value is a usage error (64), refused before the data directory is touched.
        let lowercase = await runHub(["init", "--mission", "minusca", "--data-dir", dir])
        #expect(lowercase.status == 64)
        #expect(lowercase.error.hasPrefix("""
            error: 'minusca' for '--mission <code>' is not a mission code
            hint: write 2 to 16 capital letters or digits, starting with a letter, such as MINUSCA
            Usage: missionhub init --mission <code> [--data-dir <dir>]

            """))
        #expect(!FileManager.default.fileExists(atPath: dir))
        let created = await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir])
        #expect(created.status == 0)
        #expect(created.output.contains("MINUSCA"))
        let again = await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir])
        #expect(again.status == 1 && again.error.contains("already"))
        // The data dir also comes from the environment.
        let viaEnvironment = await runHub(["report", "list"], environment: ["MISSIONHUB_DATA_DIR": dir])
        #expect(viaEnvironment.status == 0 && viaEnvironment.output == "No reports received yet.\n")
        let mode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func enrollPrintsATokenTheHubKeepsOnlyHashed() async throws {
        let dir = temporaryDirectory() + "/hub"
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir]).status == 0)
        for (arguments, status, fragment) in [(["node", "enroll", "bad name"], 64, "'bad name' for '<name>' is not a node name\nhint: write 1 to 64 letters"), (["node", "enroll", "-x"], 64, ""),
                                              (["node", "enroll", "field-1", "--expires", "0h"], 64, "'0h' for '--expires <lifetime>' is not a token lifetime"),
                                              (["node", "enroll", "field-1", "--expires", "31d"], 64, "from 1m to 30d, such as 24h")] {
            let result = await runHub(arguments + ["--data-dir", dir])
            #expect(result.status == Int32(status), "\(arguments)")
            #expect(fragment.isEmpty || result.error.contains(fragment), "\(result.error)")
        }
        let clock = TestClock()
        let result = await runHub(["node", "enroll", "field-1", "--expires", "2h", "--data-dir", dir], clock: clock)
        #expect(result.status == 0)
        let token = try #require(result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.count == 32 && $0.allSatisfy { $0.isUppercase || ("2"..."7").contains($0) } })
        #expect(result.output.contains(TimeText.rfc3339(milliseconds: clock.now + 7_200_000)))
        // Only the hash is on disk.
        let spaced = token.lowercased().enumerated().map { $0.offset % 4 == 3 ? "\($0.element)-" : "\($0.element)" }.joined()
        let (onDisk, hashOnDisk, name) = try await offThread {
            let store = try HubStore.open(dataDirectory: dir, options: HubStore.options())
            _ = try store.local { db in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
            // The registry (registry.sqlite) holds the hash; hub.sqlite (what backups copy) nothing.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/registry.sqlite"))
                + Data(contentsOf: URL(fileURLWithPath: dir + "/registry.sqlite-wal"))
            let main = try Data(contentsOf: URL(fileURLWithPath: dir + "/hub.sqlite"))
            #expect(main.range(of: Data(EnrollmentToken.hash(token))) == nil)
            // The token redeems (lower case and dashes are forgiven).
            let key = Ed25519.PrivateKey().publicKey.rawRepresentation
            let name = try NodeRegistry(store: store).redeem(tokenHash: EnrollmentToken.hash(spaced), nodeID: .random(), publicKey: key,
                                                             now: clock.now).name
            return (bytes.range(of: Data(token.utf8)) != nil, bytes.range(of: Data(EnrollmentToken.hash(token))) != nil, name)
        }
        #expect(!onDisk)
        #expect(hashOnDisk)
        #expect(name == "field-1")
    }

    @Test func nodeListAndRevoke() async throws {
        let dir = temporaryDirectory() + "/hub"
        let clock = TestClock()
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir], clock: clock).status == 0)
        let node = try TestNode(), idle = try TestNode()
        try await offThread {
            let store = try HubStore.open(dataDirectory: dir, options: HubStore.options(wallClock: clock.read))
            let registry = NodeRegistry(store: store)
            for (n, name) in [(node, "field-1"), (idle, "field-2")] {
                let token = try registry.issueToken(name: name, lifetimeMilliseconds: 60_000, now: clock.now).token
                _ = try registry.redeem(tokenHash: EnrollmentToken.hash(token), nodeID: n.id, publicKey: n.key.publicKey.rawRepresentation, now: clock.now)
            }
            try registry.accept(node, counter: 42, now: clock.now + 5000)
            let entity = EntityID.make(owner: node.id)
            _ = try store.apply([node.op(1, entity, .exist(causalLength: 1)), node.op(2, entity, .set(field: "x", value: .int(1), rank: 0, supersedes: [])),
                                 node.op(5, entity, .set(field: "y", value: .int(1), rank: 0, supersedes: []))])
        }

        let listed = await runHub(["node", "list", "--json", "--data-dir", dir], clock: clock)
        #expect(listed.status == 0)
        let json = try JSON.parse(listed.output)
        let expected: JSONValue = [
            [
                "name": "field-1", "nodeId": .string(node.id.hex), "enrolledAt": .string(TimeText.rfc3339(milliseconds: clock.now)),
                "lastContact": .string(TimeText.rfc3339(milliseconds: clock.now + 5000)), "protocol": 1, "revoked": false,
                "revokedAt": nil, "lastError": nil, "backlog": nil,
                "received": ["contiguousSeq": 2, "highestSeq": 5, "gaps": [[3, 4]], "quarantined": 0],
            ],
            [
                "name": "field-2", "nodeId": .string(idle.id.hex), "enrolledAt": .string(TimeText.rfc3339(milliseconds: clock.now)),
                "lastContact": nil, "protocol": nil, "revoked": false, "revokedAt": nil, "lastError": nil, "backlog": nil,
                "received": ["contiguousSeq": 0, "highestSeq": 0, "gaps": [], "quarantined": 0],
            ],
        ]
        #expect(json == expected)
        let text = await runHub(["node", "list", "--data-dir", dir], clock: clock)
        #expect(text.output.hasPrefix("NAME "))
        #expect(text.output.contains("2 (highest 5)") && text.output.contains("3-4") && text.output.contains("never"))

        #expect(await runHub(["node", "revoke", "nobody", "--data-dir", dir]).status == 1)
        let revoked = await runHub(["node", "revoke", "field-2", "--data-dir", dir], clock: clock)
        #expect(revoked.status == 0 && revoked.output.contains("Revoked node 'field-2'"))
        let twice = await runHub(["node", "revoke", "field-2", "--data-dir", dir])
        #expect(twice.status == 1 && twice.error.contains("already revoked"))
        let after = try JSON.parse(await runHub(["node", "list", "--json", "--data-dir", dir]).output)
        #expect(after[1]?["revoked"] == true)
        #expect(after[1]?["revokedAt"] == .string(TimeText.rfc3339(milliseconds: clock.now)))
    }

    @Test func reportListNewestFirst() async throws {
        let dir = temporaryDirectory() + "/hub"
        let clock = TestClock()
        #expect(await runHub(["init", "--mission", "MINUSCA", "--data-dir", dir], clock: clock).status == 0)
        let node = try TestNode(), unknown = try TestNode()
        let older = node.report(firstSeq: 1, ref: "MINUSCA-AAAA-2M", child: true)
        let newer = unknown.report(firstSeq: 1, ref: "MINUSCA-BBBB-2M")
        let stamped = try await offThread {
            let store = try HubStore.open(dataDirectory: dir, options: HubStore.options(wallClock: clock.read))
            let registry = NodeRegistry(store: store)
            let token = try registry.issueToken(name: "field-1", lifetimeMilliseconds: 60_000, now: clock.now).token
            _ = try registry.redeem(tokenHash: EnrollmentToken.hash(token), nodeID: node.id, publicKey: node.key.publicKey.rawRepresentation, now: clock.now)
            _ = try store.apply(older.ops)
            try ReceiptStamper.stamp(store: store, batch: older.ops, now: clock.now)
            clock.advance(milliseconds: 60_000)
            _ = try store.apply(newer.ops)
            return [try ReceiptStamper.stamp(store: store, batch: newer.ops, now: clock.now),
                    try ReceiptStamper.stamp(store: store, batch: newer.ops, now: clock.now + 1)]
        }
        #expect(stamped == [1, 0])

        let listed = await runHub(["report", "list", "--json", "--data-dir", dir])
        #expect(listed.status == 0)
        let expected: JSONValue = [
            ["ref": "MINUSCA-BBBB-2M", "entity": .string(newer.entity), "node": nil, "nodeId": .string(unknown.id.hex),
             "receivedAt": .string(TimeText.rfc3339(milliseconds: clock.now)), "category": 1, "involvesChild": false,
             "ageUndetermined": nil, "child": "no", "urgency": "normal", "urgencyReasons": [],
             "status": "received", "withdrawnBy": nil, "withdrawnByNodeId": nil, "withdrawnAt": nil, "amendments": 0],
            ["ref": "MINUSCA-AAAA-2M", "entity": .string(older.entity), "node": "field-1", "nodeId": .string(node.id.hex),
             "receivedAt": .string(TimeText.rfc3339(milliseconds: clock.now - 60_000)), "category": 1, "involvesChild": true,
             "ageUndetermined": nil, "child": "yes", "urgency": "high", "urgencyReasons": ["child involved"],
             "status": "received", "withdrawnBy": nil, "withdrawnByNodeId": nil, "withdrawnAt": nil, "amendments": 0],
        ]
        #expect(try JSON.parse(listed.output) == expected)
        let text = await runHub(["report", "list", "--data-dir", dir])
        let lines = text.output.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("MINUSCA-BBBB-2M") && lines[1].hasSuffix("no     normal   received  -"))
        #expect(lines[2].contains("field-1") && lines[2].hasSuffix("yes    high     received  -"))
    }
}
