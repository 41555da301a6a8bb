import Foundation
import JSON

/// A mission hub and its field nodes as real processes on loopback, in one temporary
/// directory, for one test:
///
///     let cluster = try await SyncCluster()
///     try await cluster.startHub()                 // port 0 first; the same port afterwards
///     let node = try await cluster.addNode("bria") // init + enroll at cluster.hubURL
///     let refs = try await cluster.addSamples(node, [0, 1])
///     #expect(try await cluster.sync(node).succeeded)
///
/// Cleanup: every child (hub, daemons) is SIGKILLed and the directory removed when the
/// cluster is released; `FIELDSYNC_E2E_KEEP=1` keeps the directory (its path is printed).
/// Not Sendable: one test task owns it.
final class SyncCluster {
    let directory: String
    let mission: String
    private(set) var hub: SyncChild?
    /// The hub's port, fixed by its first start.
    private(set) var port = 0
    /// Settings for `missionhub serve --config` (`key = value` lines), used from the next start.
    var hubConfig: String?
    private var hubStarts = 0
    private var children: [SyncChild] = []
    private let fieldnode: String
    private let missionhub: String

    var hubDir: String { directory + "/hub" }
    var hubURL: String { "http://127.0.0.1:\(port)" }

    /// A new directory with an initialised hub (not serving yet).
    init(mission: String = "MINUSCA") async throws {
        fieldnode = try SyncProcess.binary("fieldnode")
        missionhub = try SyncProcess.binary("missionhub")
        self.mission = mission
        directory = NSTemporaryDirectory() + "fieldsync-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let initialised = try await hubCommand(["init", "--mission", mission])
        guard initialised.succeeded else { throw ProcessTestError("missionhub init failed: \(initialised)") }
    }

    deinit {
        hub?.killNow()
        for child in children { child.killNow() }
        if ProcessInfo.processInfo.environment["FIELDSYNC_E2E_KEEP"] == "1" {
            print("SyncCluster kept \(directory)")
        } else {
            try? FileManager.default.removeItem(atPath: directory)  // best effort: a leftover temp dir is harmless
        }
    }

    // MARK: The hub

    /// Starts `missionhub serve` on the cluster's port (an ephemeral one the first time) and
    /// waits for its `hub serving` line. A port still held by a killed hub is retried for 5 s.
    func startHub() async throws {
        guard hub?.isRunning != true else { throw ProcessTestError("the hub is already running") }
        var arguments = ["--data-dir", hubDir, "serve", "--listen", "127.0.0.1:\(port)"]
        if let hubConfig {
            try Data(hubConfig.utf8).write(to: URL(fileURLWithPath: directory + "/hub.conf"))
            arguments += ["--config", directory + "/hub.conf"]
        }
        let deadline = Date().addingTimeInterval(5)
        while true {
            hubStarts += 1
            let child = try await SyncChild.start(name: "hub#\(hubStarts)", binary: missionhub, arguments: arguments,
                                                  logPath: directory + "/hub-\(hubStarts).log")
            hub = child
            do {
                let log = try await child.waitForLog("hub serving address=127.0.0.1:", timeout: 20)
                guard let line = log.split(separator: "\n").first(where: { $0.contains("hub serving address=") }),
                      let field = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                      let parsed = field.split(separator: ":").last.flatMap({ Int($0) }) else {
                    throw ProcessTestError("no port in the hub's log:\n\(log)")
                }
                guard port == 0 || parsed == port else { throw ProcessTestError("the hub came up on \(parsed), not \(port)") }
                port = parsed
                return
            } catch {
                child.killNow()
                guard port != 0, Date() < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// SIGTERM to the hub; returns whether it stopped cleanly (exit 0 within 10 s).
    @discardableResult
    func stopHub() async throws -> Bool {
        guard let hub else { throw ProcessTestError("no hub to stop") }
        self.hub = nil
        let stopped = try await hub.terminate(within: 10)
        return stopped.inTime && stopped.status == 0 && !stopped.signalled
    }

    /// SIGKILL to the hub (`kill -9`); returns whether the kill is what ended it.
    @discardableResult
    func killHub() async throws -> Bool {
        guard let hub else { throw ProcessTestError("no hub to kill") }
        self.hub = nil
        return try await hub.kill9()
    }

    /// `missionhub --data-dir HUB ARGS`.
    func hubCommand(_ arguments: [String], timeout: Double = 30) async throws -> SyncOutcome {
        try await SyncProcess.run(missionhub, ["--data-dir", hubDir] + arguments, timeout: timeout)
    }

    /// `missionhub report list --json`.
    func hubReports() async throws -> [HubReport] {
        guard let rows = try await hubCommand(["report", "list", "--json"]).json().arrayValue else {
            throw ProcessTestError("missionhub report list --json is not an array")
        }
        return rows.map(HubReport.init)
    }

    /// `missionhub node list --json`, by name.
    func hubNodes() async throws -> [String: HubNode] {
        guard let rows = try await hubCommand(["node", "list", "--json"]).json().arrayValue else {
            throw ProcessTestError("missionhub node list --json is not an array")
        }
        return Dictionary(rows.map(HubNode.init).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every log the hub wrote, for failure messages.
    var hubLogs: String {
        (1...max(1, hubStarts)).map { "--- hub-\($0).log\n" + SyncProcess.readText(directory + "/hub-\($0).log") }
            .joined(separator: "\n")
    }

    // MARK: Nodes

    /// `fieldnode init` a new node named `name`, enrolled at `hubURL` (or `at`, e.g. a proxy)
    /// unless `enroll` is false.
    func addNode(_ name: String, enroll: Bool = true, at url: String? = nil,
                 environment: [String: String] = [:]) async throws -> SyncNode {
        let created = SyncNode(name: name, dataDir: directory + "/node-" + name, environment: environment)
        let initialised = try await node(created, ["init", "--mission", mission, "--node-name", name,
                                                   "--mission-file", try await missionFile()])
        guard initialised.succeeded else { throw ProcessTestError("fieldnode init failed: \(initialised)") }
        if enroll { try await self.enroll(created, at: url ?? hubURL) }
        return created
    }

    /// The hub's mission file (`missionhub mission-file`), made once per cluster: what every
    /// laptop is provisioned with.
    func missionFile() async throws -> String {
        let path = directory + "/mission.json"
        if FileManager.default.fileExists(atPath: path) { return path }
        let made = try await hubCommand(["mission-file", "--out", path])
        guard made.succeeded else { throw ProcessTestError("missionhub mission-file failed: \(made)") }
        return path
    }

    /// Issues a token at the hub (`missionhub node enroll`) and enrolls `node` with it at `url`.
    func enroll(_ node: SyncNode, at url: String) async throws {
        try await enroll(node, at: url, token: try await issueToken(node.name))
    }

    /// `missionhub node enroll NAME`: the token it printed.
    func issueToken(_ name: String) async throws -> String {
        let issued = try await hubCommand(["node", "enroll", name])
        // The token is the only line indented by exactly four spaces.
        let token = issued.stdout.split(separator: "\n").first {
            $0.hasPrefix("    ") && !$0.dropFirst(4).hasPrefix(" ") && !$0.dropFirst(4).contains(" ") && !$0.dropFirst(4).isEmpty
        }.map { String($0.dropFirst(4)) }
        guard issued.succeeded, let token else { throw ProcessTestError("missionhub node enroll failed: \(issued)") }
        return token
    }

    /// `fieldnode enroll --hub URL --token TOKEN` for `node`.
    func enroll(_ node: SyncNode, at url: String, token: String) async throws {
        let enrolled = try await self.node(node, ["enroll", "--hub", url, "--token", token])
        guard enrolled.succeeded else { throw ProcessTestError("fieldnode enroll failed: \(enrolled)") }
    }

    /// `fieldnode --data-dir NODE ARGS`.
    func node(_ node: SyncNode, _ arguments: [String], timeout: Double = 30) async throws -> SyncOutcome {
        try await SyncProcess.run(fieldnode, ["--data-dir", node.dataDir] + arguments, timeout: timeout, environment: node.environment)
    }

    /// `fieldnode sync --json`.
    func sync(_ node: SyncNode, timeout: Double = 30) async throws -> SyncOutcome {
        try await self.node(node, ["sync", "--json"], timeout: timeout)
    }

    /// Adds the sample reports (Deploy/samples, by index in name order) with `report add`
    /// and returns the references the node printed.
    func addSamples(_ node: SyncNode, _ indices: [Int]) async throws -> [String] {
        let samples = Self.sampleFiles()
        guard !samples.isEmpty else { throw ProcessTestError("no sample reports in Deploy/samples") }
        var refs: [String] = []
        for index in indices {
            let added = try await self.node(node, ["report", "add", "--json", samples[index % samples.count], "--output", "json"])
            guard let ref = try added.json()["ref"]?.stringValue else { throw ProcessTestError("no ref in \(added)") }
            refs.append(ref)
        }
        return refs
    }

    /// `fieldnode debug burst`: `count` generated reports, one transaction each; returns the
    /// printed references.
    func burst(_ node: SyncNode, count: Int, seed: UInt64) async throws -> [String] {
        let burst = try await self.node(node, ["debug", "burst", "--count", "\(count)", "--seed", "\(seed)"], timeout: 60)
        guard burst.succeeded else { throw ProcessTestError("debug burst failed: \(burst)") }
        let refs = burst.stdout.split(separator: "\n").map(String.init)
        guard refs.count == count else { throw ProcessTestError("debug burst printed \(refs.count) refs, not \(count)") }
        return refs
    }

    /// `fieldnode report list --json`.
    func reports(_ node: SyncNode) async throws -> [NodeReport] {
        guard let rows = try await self.node(node, ["report", "list", "--json"]).json().arrayValue else {
            throw ProcessTestError("fieldnode report list --json is not an array")
        }
        return rows.map(NodeReport.init)
    }

    /// `fieldnode status --json`.
    func status(_ node: SyncNode) async throws -> JSONValue {
        try await self.node(node, ["status", "--json"]).json()
    }

    /// Starts `fieldnode daemon --interval 1s [--config FILE]` for `node`.
    func startDaemon(_ node: SyncNode, config: String? = nil) async throws -> SyncChild {
        var arguments = ["daemon", "--interval", "1s"]
        if let config {
            let path = directory + "/daemon-\(node.name).conf"
            try Data(config.utf8).write(to: URL(fileURLWithPath: path))
            arguments += ["--config", path]
        }
        return try await spawn(node, arguments)
    }

    /// Starts `fieldnode --data-dir NODE ARGS` in the background, stdout and stderr to
    /// `<dir>/NAME-N.log`; the cluster kills it at the end if the test did not.
    func spawn(_ node: SyncNode, _ arguments: [String]) async throws -> SyncChild {
        let child = try await SyncChild.start(name: "fieldnode \(arguments.first ?? "") (\(node.name))", binary: fieldnode,
                                              arguments: ["--data-dir", node.dataDir] + arguments,
                                              logPath: directory + "/\(node.name)-\(children.count + 1).log")
        children.append(child)
        return child
    }

    static func sampleFiles() -> [String] {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Deploy/samples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { samples.appendingPathComponent($0).path }
    }
}

/// A field node of a cluster: its name (also its enrolled name) and data directory.
struct SyncNode: Sendable, Hashable {
    let name: String
    let dataDir: String
    /// Extra environment for its commands (debug test hooks such as FIELDNODE_TEST_CLOCK_OFFSET_MS).
    var environment: [String: String] = [:]
    var storePath: String { dataDir + "/node.sqlite" }
}
