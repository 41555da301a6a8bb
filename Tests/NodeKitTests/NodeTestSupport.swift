import Collections
import FieldModel
import Foundation
import JSON
import NodeKit
import SyncEngine
import Testing
import TestSupport

/// What one in-process `fieldnode` run returned.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String

    /// stdout parsed as JSON (fails the test when it is not JSON).
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        do {
            return try JSON.parse(stdout)
        } catch {
            Issue.record("stdout is not JSON (\(error)): \(stdout)", sourceLocation: sourceLocation)
            throw error
        }
    }
}

/// A temporary data directory and a way to run `fieldnode` commands against it in-process.
final class TestNode {
    let root: String
    let dataDir: String
    /// The clock every run sees: 2026-03-02T09:00:00Z.
    static let fixedNow = Date(timeIntervalSince1970: 1_772_442_000)

    init() throws {
        root = NSTemporaryDirectory() + "nodekit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        dataDir = root + "/data"
    }

    deinit {
        chmod(root, 0o700)
        chmod(dataDir, 0o700)
        // Best effort: a temporary directory left behind is harmless.
        try? FileManager.default.removeItem(atPath: root)
    }

    var storePath: String { dataDir + "/node.sqlite" }

    /// Runs `fieldnode ARGS --data-dir DIR` with `stdin` as its input.
    @discardableResult
    func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:],
             dataDirFlag: Bool = true) -> RunResult {
        runBytes(arguments, stdin: Array(stdin.utf8), environment: environment, dataDirFlag: dataDirFlag)
    }

    @discardableResult
    func runBytes(_ arguments: [String], stdin: [UInt8], environment: [String: String] = [:],
                  dataDirFlag: Bool = true) -> RunResult {
        let out = CapturedOutput()
        let err = CapturedOutput()
        let args = arguments + (dataDirFlag ? ["--data-dir", dataDir] : [])
        let status = NodeCLI.main(arguments: args, environment: ["HOME": root] .merging(environment) { $1 },
                                  stdin: ByteInput(bytes: stdin), stdout: out, stderr: err, now: { Self.fixedNow })
        return RunResult(status: status, stdout: out.text, stderr: err.text)
    }

    /// `init` for mission MINUSCA with the test mission file (`TestMissionFile`), checked.
    func initialise(mission: String = "MINUSCA") throws {
        let missionFile = try TestMissionFile.write(mission: mission, to: root + "/mission-\(mission).json")
        let result = run(["init", "--mission", mission, "--node-name", "test-desk", "--mission-file", missionFile])
        try #require(result.status == 0, "init failed: \(result.stderr)")
    }

    /// Writes `text` to a file in the temp dir and returns its path.
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = root + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `report add` of `document`, checked; returns (ref, id).
    func add(_ document: JSONValue) throws -> (ref: String, id: String) {
        let path = try file("report-\(UUID().uuidString).json", JSON.encodeBytes(document))
        let result = run(["report", "add", "--json", path, "--output", "json"])
        try #require(result.status == 0, "report add failed: \(result.stderr)")
        let json = try result.json()
        return (try #require(json["ref"]?.stringValue), try #require(json["id"]?.stringValue))
    }

    /// Everything replicated in the store plus the op count: equal snapshots mean nothing changed.
    func snapshot() throws -> Snapshot {
        let store = try Store.open(path: storePath, expectedRole: .node)
        return Snapshot(state: try store.stateListing(), ops: try store.counts().ops)
    }

    /// The report `id` as the hub opens it: the stored fields with every sealed value opened by
    /// the test key (`TestMissionFile`), assembled like intake. What the tests check content
    /// with; `report show` itself shows `(sealed)`.
    func opened(_ id: String) throws -> JSONValue {
        let document = try #require(try openStore().document(ReportCollection.name, id))
        var fields: [String: FieldValue] = [:]
        var sets: [String: [String]] = [:]
        for (path, state) in document.fields where ReportCollection.isIntake(path) {
            if let value = FieldValue(try TestMissionFile.open(state.value, entity: id, field: path)) { fields[path] = value }
        }
        for (path, elements) in document.sets where ReportCollection.isIntake(path) {
            sets[path] = try elements.compactMap { element in
                if case .string(let text) = try TestMissionFile.open(element, entity: id, field: path) { text } else { nil }
            }
        }
        return ReportDocument.assemble(fields: fields, sets: sets)
    }

    func openStore() throws -> Store {
        try Store.open(path: storePath, expectedRole: .node)
    }
}

struct Snapshot: Equatable {
    let state: [String]
    let ops: Int
}

/// Report documents for tests.
enum Reports {
    /// A valid report (two victims, one a child; coordinates given exactly).
    static let valid: JSONValue = [
        "mission": "MINUSCA",
        "channel": "hotline",
        "receivedAt": "2026-03-01T14:05:00+01:00",
        "incident": ["date": "2026-02-27", "area": "Bambari", "coordinates": ["lat": 5.7621, "lon": 20.6712]],
        "allegation": ["types": ["transactional_sex", "sexual_exploitation"], "narrative": "Offered money for sex."],
        "victims": [
            ["ageBand": "15_17", "sex": "female", "identifiers": ["name": "Jane Testperson", "phone": "+236 70 12 34 56"]],
            ["ageBand": "18_24", "sex": "female"],
        ],
        "alleged": [["personnelCategory": "military_contingent", "nationality": "unknown", "unit": "North checkpoint"]],
        "needs": ["psychosocial", "medical_urgent"],
        "consent": ["shareWithInvestigators": true, "victimAssistanceReferral": true, "followUpContact": false],
    ]

    /// A valid adult-only report received at `receivedAt`, in `area`.
    static func minimal(area: String, receivedAt: String, mission: String = "MINUSCA") -> JSONValue {
        [
            "mission": .string(mission),
            "channel": "walk_in",
            "receivedAt": .string(receivedAt),
            "incident": ["area": .string(area)],
            "allegation": ["types": ["other_misconduct"], "narrative": "Asked for favours."],
            "victims": [["ageBand": "25_39", "sex": "male"]],
            "consent": ["shareWithInvestigators": false, "victimAssistanceReferral": false, "followUpContact": false],
        ]
    }
}
