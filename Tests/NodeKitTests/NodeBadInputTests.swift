import Foundation
import JSON
import NodeKit
import SQLite
import Testing

/// Every bad input and fault of issue 2 gets a clear error, and the store is exactly as before.
@Suite struct NodeBadInputTests {
    /// A node holding one report, and its snapshot.
    private func nodeWithOneReport() throws -> (TestNode, Snapshot) {
        let node = try TestNode()
        try node.initialise()
        _ = try node.add(Reports.valid)
        return (node, try node.snapshot())
    }

    private func addFile(_ node: TestNode, _ bytes: [UInt8], environment: [String: String] = [:]) throws -> RunResult {
        node.run(["report", "add", "--json", try node.file("input.json", bytes)], environment: environment)
    }

    @Test func malformedJSONNamesTheByte() throws {
        let (node, before) = try nodeWithOneReport()
        let result = try addFile(node, Array(#"{"mission":"MINUSCA",}"#.utf8))
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("error: the report is not valid JSON: invalid JSON at byte 21 (line 1, column 22)") == true)
        #expect(lines.last == "hint: fix the file and run the command again; nothing was saved")
        #expect(try node.snapshot() == before)
    }

    @Test func wrongTypesNameEveryPath() throws {
        let (node, before) = try nodeWithOneReport()
        var document = try #require(Reports.valid.objectValue)
        document["victims"] = "two"
        document["consent"] = ["shareWithInvestigators": "yes", "victimAssistanceReferral": true, "followUpContact": false]
        let result = try addFile(node, JSON.encodeBytes(.object(document)))
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: the report has 2 problems:")
        #expect(lines.dropFirst().first?.hasPrefix("  victims: ") == true)
        #expect(lines.dropFirst(2).first?.hasPrefix("  consent.shareWithInvestigators: ") == true)
        #expect(lines.last == "hint: fix the fields above and run the command again; nothing was saved")
        #expect(try node.snapshot() == before)
    }

    @Test func badUTF8NamesTheByte() throws {
        let (node, before) = try nodeWithOneReport()
        let text = JSON.encode(Reports.valid)
        var bytes = Array(text.utf8)
        let at = try #require(text.utf8.firstIndex(of: UInt8(ascii: "B")).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) })
        bytes[at] = 0xFF
        let result = try addFile(node, bytes)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: the report is not valid JSON: invalid UTF-8 at byte \(at) "))
        #expect(try node.snapshot() == before)
    }

    @Test func reportsOverOneMiBAreRefusedWithoutReadingThemWhole() throws {
        let (node, before) = try nodeWithOneReport()
        let text = Array(JSON.encode(Reports.minimal(area: "Bria", receivedAt: "2026-02-10T08:00:00Z")).utf8)
        // Exactly 1 MiB (whitespace after the document) is accepted; one byte more is not.
        let exact = text + [UInt8](repeating: 0x20, count: 1_048_576 - text.count)
        let accepted = try addFile(node, exact)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let after = try node.snapshot()
        let refused = try addFile(node, exact + [0x20])
        #expect(refused.status == 1)
        #expect(refused.stderr == """
            error: the report is larger than 1 MiB (1048576 bytes); nothing was saved
            hint: shorten the narrative or leave out what does not belong in the report

            """)
        // An endless input: this returns only because reading stops at the limit.
        let endless = node.run(["report", "add", "--json", "/dev/zero"])
        #expect(endless.stderr == refused.stderr)
        let stdin = node.runBytes(["report", "add", "--json", "-"], stdin: exact + [0x20])
        #expect(stdin.stderr == refused.stderr)
        #expect(try node.snapshot() == after)
        #expect(after != before)
    }

    @Test func missingDataDirectoryTellsWhatToRun() throws {
        let node = try TestNode()
        for command in [["report", "add", "--json", "-"], ["report", "list"], ["report", "new"], ["status"],
                        ["report", "show", "MINUSCA-0000-00"], ["report", "amend", "X", "--set", "channel=email"]] {
            let result = node.run(command)
            #expect(result.status == 1)
            #expect(result.stderr == "error: no field node here (\(node.dataDir))\nhint: run `fieldnode init --mission CODE --node-name NAME` first, or pass --data-dir\n")
        }
        #expect(!FileManager.default.fileExists(atPath: node.dataDir))
    }

    @Test func dataDirectoryComesFromTheEnvironmentWhenNoFlag() throws {
        let node = try TestNode()
        let result = node.run(["report", "list"], environment: ["FIELDNODE_DATA_DIR": node.root + "/env"], dataDirFlag: false)
        #expect(result.stderr.hasPrefix("error: no field node here (\(node.root)/env)\n"))
        let fallback = node.run(["status"], environment: ["XDG_DATA_HOME": ""], dataDirFlag: false)
        #expect(fallback.stderr.hasPrefix("error: no field node here (\(node.root)/.local/share/fieldsync/node)\n"))
        let state = node.run(["status"], environment: ["STATE_DIRECTORY": node.root + "/state"], dataDirFlag: false)
        #expect(state.stderr.hasPrefix("error: no field node here (\(node.root)/state)\n"))
    }

    @Test func fullDiskIsAClearErrorAndSavesNothing() throws {
        let (node, before) = try nodeWithOneReport()
        let pages = try Database(path: node.storePath).scalar("PRAGMA page_count", as: Int64.self) ?? 0
        #expect(pages > 0)
        var document = try #require(Reports.valid.objectValue)
        document["allegation"] = ["types": ["rape"], "narrative": .string(String(repeating: "A long account. ", count: 1000))]
        let path = try node.file("long.json", JSON.encodeBytes(.object(document)))
        let result = node.run(["report", "add", "--json", path], environment: ["FIELDNODE_TEST_MAX_PAGES": "\(pages)"])
        #expect(result.status == 1)
        #expect(result.stderr == """
            error: the disk holding \(node.dataDir) is full; nothing was saved
            hint: free some space (df -h \(node.dataDir)) and run the command again

            """)
        #expect(try node.snapshot() == before)
        // Once there is room again the same report saves.
        #expect(node.run(["report", "add", "--json", path]).status == 0)
    }

    @Test func aBusyStoreIsAClearErrorAndSavesNothing() throws {
        let (node, before) = try nodeWithOneReport()
        let other = try Database(path: node.storePath)
        try other.execute("BEGIN IMMEDIATE")
        let path = try node.file("report.json", JSON.encodeBytes(Reports.valid))
        let result = node.run(["report", "add", "--json", path], environment: ["FIELDNODE_TEST_BUSY_TIMEOUT_MS": "50"])
        try other.execute("ROLLBACK")
        #expect(result.status == 1)
        #expect(result.stderr == """
            error: the store is busy: another fieldnode process is writing to it; nothing was changed
            hint: try again in a moment

            """)
        #expect(try node.snapshot() == before)
    }

    @Test func userErrorsSayWhatToDo() throws {
        let (node, before) = try nodeWithOneReport()
        let again = node.run(["init", "--mission", "UNMISS", "--node-name", "x"])
        #expect(again.status == 1)
        #expect(again.stderr == """
            error: a field node already exists in \(node.dataDir) (node test-desk, mission MINUSCA); nothing was changed
            hint: use it as it is, or choose another data directory with --data-dir

            """)
        let otherMission = try addFile(node, JSON.encodeBytes(Reports.minimal(area: "Juba", receivedAt: "2026-02-10T08:00:00Z", mission: "UNMISS")))
        #expect(otherMission.status == 1)
        #expect(otherMission.stderr.hasPrefix("error: the report is for mission UNMISS but this node records reports for mission MINUSCA; nothing was saved\n"))
        let unknown = node.run(["report", "show", "MINUSCA-0000-00"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: no report with reference MINUSCA-0000-00 on this node\nhint: copy the reference from `fieldnode report list`\n")
        let missing = node.run(["report", "add", "--json", node.root + "/nope.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: cannot read \(node.root)/nope.json: No such file or directory; nothing was saved\n"))
        let directory = node.run(["report", "add", "--json", node.root])
        #expect(directory.stderr.hasPrefix("error: cannot read \(node.root): Is a directory;"))
        #expect(try node.snapshot() == before)
    }
}
