import Foundation
import JSON
import NodeKit
import SyncEngine
import Testing
import Toolkit
import SyncProtocol

@Suite struct NodeCommandLineTests {
    static let commands: [[String]] = [
        [], ["init"], ["enroll"], ["report"], ["report", "add"], ["report", "new"], ["report", "list"],
        ["report", "show"], ["report", "amend"], ["sync"], ["daemon"], ["status"],
    ]

    @Test(arguments: commands)
    func helpForEveryCommandExitsZero(_ command: [String]) throws {
        let node = try TestNode()
        for flag in ["--help", "-h"] {
            let result = node.run(command + [flag], dataDirFlag: false)
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            #expect(result.stdout.hasPrefix("OVERVIEW: "))
            #expect(result.stdout.contains("USAGE: fieldnode\(command.map { " " + $0 }.joined())"))
            #expect(result.stdout.contains("--data-dir <dir>"))
        }
        // --data-dir is accepted before the subcommand too.
        #expect(node.run(["--data-dir", node.dataDir] + command + ["--help"], dataDirFlag: false).status == 0)
    }

    @Test func versionNamesTheReleaseAndTheProtocol() throws {
        let node = try TestNode()
        let result = node.run(["--version"], dataDirFlag: false)
        #expect(result.status == 0 && result.stderr.isEmpty)
        #expect(result.stdout == "fieldnode \(ProductVersion.release) (protocol \(RequestSigning.protocolVersion))\n")
        #expect(node.run(["--help"], dataDirFlag: false).stdout.contains("  --version               Show the version.\n"))
        #expect(node.run(["status", "--version"]).status == 64)
    }

    /// A bad line is refused before the store is opened: without a node here, `enroll` without
    /// `--hub` and `daemon --interval soon` are usage errors, not "no field node here".
    @Test func validationRunsBeforeTheStoreIsOpened() throws {
        let node = try TestNode()
        for arguments in [["enroll", "--token", "X"], ["daemon", "--interval", "soon"], ["report", "add", "--json", "-", "--output", "xml"],
                          ["report", "amend", "REF", "--set", "area"]] {
            let result = node.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(!result.stderr.contains("no field node here"), "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: node.storePath))
        let help = node.run(["init", "--help"]).stdout
        #expect(help.contains("USAGE: fieldnode init --mission <code> --node-name <name> [--mission-file <file>] [--data-dir <dir>]\n"))
    }

    @Test func theHiddenDebugCommandIsNotInHelp() throws {
        let node = try TestNode()
        #expect(!node.run(["--help"]).stdout.contains("debug"))
    }

    @Test(arguments: [
        (["report"], "error: missing subcommand for 'fieldnode report'; choose one of: add, new, list, show, amend", nil),
        (["repot", "list"], "error: unknown subcommand 'repot' for 'fieldnode'; did you mean 'report'?", nil),
        (["report", "list", "--jsn"], "error: unknown option '--jsn'; did you mean '--json'?", nil),
        (["report", "show"], "error: missing argument '<ref-or-id>'", nil),
        (["init", "--node-name", "x"], "error: missing option '--mission <code>'",
         "hint: give --mission <code>: the mission code, e.g. MINUSCA (2 to 16 capital letters or digits)"),
        (["init", "--mission", "minusca", "--node-name", "x"], "error: 'minusca' for '--mission <code>' is not a mission code",
         "hint: write 2 to 16 capital letters or digits, starting with a letter, such as MINUSCA"),
        (["init", "--mission", "MINUSCA"], "error: missing option '--node-name <name>'",
         "hint: give --node-name <name>: a name for this laptop that the hub admins will recognise, e.g. bangui-desk-1"),
        (["init", "--mission", "MINUSCA", "--node-name", " "], "error: ' ' for '--node-name <name>' is not a node name",
         "hint: write 1 to 64 printable characters, such as bangui-desk-1"),
        (["report", "add"], "error: missing option '--json <file>'",
         "hint: give --json <file>: the report as JSON; - reads standard input. At most 1 MiB"),
        (["report", "add", "--json", "x", "--output", "yaml"], "error: 'yaml' for '--output <format>' is not an output format",
         "hint: write text or json"),
        (["daemon", "--interval", "0s"], "error: '0s' for '--interval <duration>' is not a sync interval",
         "hint: write a number and a unit s, m, h or d, from 1s to 1d, such as 60s or 5m"),
    ] as [([String], String, String?)])
    func usageErrorsExit64WithTheUsageLine(_ arguments: [String], _ message: String, _ hint: String?) throws {
        let node = try TestNode()
        try node.initialise()
        let result = node.run(arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == message)
        #expect(lines.count == (hint == nil ? 3 : 4))
        if let hint { #expect(lines.dropFirst().first == hint) }
        #expect(lines.dropLast().last?.hasPrefix("Usage: fieldnode") == true)
        #expect(lines.last?.hasSuffix("for more information.") == true)
    }

    @Test func syncCommandsNeedANodeAndSayHowToEnroll() throws {
        let node = try TestNode()
        for command in [["enroll", "--hub", "http://127.0.0.1:9", "--token", "X"], ["sync"], ["daemon"]] {
            let result = node.run(command)
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: no field node here"))
        }
        try node.initialise()
        let sync = node.run(["sync"])
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("fieldnode enroll --hub URL --token TOKEN"))
        let missing = node.run(["enroll", "--token", "X"])
        #expect(missing.status == 64)
        #expect(missing.stderr.hasPrefix("error: missing option '--hub <url>'\nhint: give --hub <url>: the hub's address, e.g. https://hub.example.org\n"))
        let badInterval = node.run(["daemon", "--interval", "soon"])
        #expect(badInterval.status == 64)
    }

    @Test func statusShowsTheNodeAndWarnsAboutTheClock() throws {
        let node = try TestNode()
        try node.initialise()
        _ = try node.add(Reports.valid)
        let store = try node.openStore()
        let json = try node.run(["status", "--json"]).json()
        #expect(json.objectValue?.keys.sorted() == ["backlog", "backlogVerified", "clockOffsetMilliseconds", "clockWarning", "dataDir",
                                                    "heldAtHub", "hubURL", "lastError", "lastSyncAt", "mission", "nodeId", "nodeName",
                                                    "ops", "reports", "storeBytes", "storePath"])
        let ops = try store.counts().ops
        #expect(json["nodeId"]?.stringValue == store.nodeID.hex)
        #expect(json["nodeName"] == "test-desk" && json["mission"] == "MINUSCA")
        #expect(json["dataDir"]?.stringValue == node.dataDir && json["storePath"]?.stringValue == node.storePath)
        #expect((json["storeBytes"]?.int64Value ?? 0) > 0)
        #expect(json["reports"] == 1 && json["ops"]?.int64Value == Int64(ops) && json["backlog"]?.int64Value == Int64(ops))
        #expect(json["hubURL"] == .null && json["lastSyncAt"] == .null && json["clockWarning"] == .null)
        let text = node.run(["status"]).stdout
        #expect(text.contains("hub:         not enrolled (run: fieldnode enroll --hub URL --token TOKEN)\n"))
        #expect(text.contains("last sync:   never\n"))
        #expect(text.contains("backlog:     \(ops) changes not yet acknowledged by the hub\n"))
        #expect(!text.contains("clock:"))

        try store.setMetadata("hub_url", "https://hub.example.org")
        try store.recordPushAck(peer: "hub", contiguous: UInt64(ops))
        try store.recordSyncAttempt(peer: "hub", error: "the hub is unreachable", clockOffsetMilliseconds: 7 * 60_000)
        let later = try node.run(["status", "--json"]).json()
        #expect(later["hubURL"] == "https://hub.example.org")
        #expect(later["backlog"] == 0)
        #expect(later["lastError"] == "the hub is unreachable")
        #expect(later["clockOffsetMilliseconds"] == 420_000)
        #expect(later["clockWarning"] == "this laptop's clock is 7 minutes behind the hub's; set the system clock right (timedatectl)")
        let warned = node.run(["status"]).stdout
        #expect(warned.contains("clock:       warning: this laptop's clock is 7 minutes behind the hub's"))
        #expect(warned.contains("backlog:     none\n"), "no sync succeeded yet: nothing to vouch for")
        try store.recordSyncAttempt(peer: "hub", error: nil, clockOffsetMilliseconds: -4 * 60_000)
        let fine = try node.run(["status", "--json"]).json()
        #expect(fine["clockWarning"] == .null && fine["lastError"] == .null)
        #expect(fine["lastSyncAt"]?.int64Value != nil)
        #expect(node.run(["status"]).stdout.contains("backlog:     none: the hub acknowledged every change (at the last sync, "))
        // A hub restored from a backup (new epoch) may have lost changes: status no longer vouches.
        try store.recordPeerEpoch(peer: "hub", epoch: String(repeating: "a", count: 32))
        try store.recordPeerEpoch(peer: "hub", epoch: String(repeating: "b", count: 32))
        let restored = node.run(["status"]).stdout
        #expect(restored.contains("backlog:     unknown: the hub was restored from a backup"))
        #expect(try node.run(["status", "--json"]).json()["backlogVerified"] == false)
    }

    @Test func everyJSONOutputIsPrettyWithSortedKeys() throws {
        let node = try TestNode()
        try node.initialise()
        let saved = try node.add(Reports.valid)
        for command in [["report", "list", "--json"], ["report", "show", saved.ref, "--json"], ["status", "--json"]] {
            let result = node.run(command)
            let value = try result.json()
            #expect(result.stdout == JSON.encode(value, pretty: true, sortedKeys: true) + "\n")
        }
    }
}
