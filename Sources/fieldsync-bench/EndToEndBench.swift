import FieldModel
import Foundation
import JSON
import NodeKit
import SyncClient
import SyncEngine

/// Issue 4: the real `missionhub` binary on loopback and N simulated field nodes (in-process
/// `SyncClient`s, each over its own node store) with M reports each, all syncing at once
/// (bounded concurrency). Measures the time until every node's backlog is 0 and the hub's
/// `report list --json` counts N×M, the reports per second that makes at the hub, and the
/// hub's peak memory. Baseline in the same run: the same N×M reports saved on one local node
/// store, M reports a transaction (about how the hub commits them: one node's push at a time),
/// i.e. the write cost without the network, so the ratio is the transport's overhead.
///
/// For scale only (not measured here): ODK Central publishes about 41 submissions/s received
/// from 500 devices.
///
/// Main actor: the blocking parts (process spawns, local saves, /proc reads) run on the main
/// thread; only enrollment and sync rounds run on Swift's shared threads, and those are async.
@MainActor
enum EndToEndBench {
    struct Figures {
        let nodes: Int
        let reportsPerNode: Int
        let rounds: Int
        let convergeSeconds: Double
        let localSeconds: Double
        let nodeSaveSeconds: Double
        let idleKiB: Int
        let peakKiB: Int
        let hubExit: Int32
        var reports: Int { nodes * reportsPerNode }
    }

    /// One simulated field laptop.
    struct Node: Sendable {
        let name: String
        let directory: String
        let store: Store
        let token: String
    }

    /// A node's state after a sync round: nil error and backlog 0 means done.
    struct RoundOutcome: Sendable {
        let runner: SyncRunner
        let backlog: Int
        let error: String?
    }

    static let maxRounds = 5

    static func run(samples: Samples, nodes count: Int, reportsPerNode: Int, concurrency: Int, runs: Int) async throws -> Figures {
        let root = Bench.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hub = try HubProcess(directory: root)
        defer { hub.stop() }
        _ = try hub.command(["init", "--mission", samples.mission])
        try hub.start()
        let idleKiB = try hub.peakMemoryKiB()

        // Each laptop: a node store, a token from the hub, M reports recorded one a transaction.
        var nodes: [Node] = []
        var nodeSaveSeconds = 0.0
        for index in 0..<count {
            let directory = root + "/node-\(index)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            let store = try WriteBench.nodeStore(mission: samples.mission, in: directory)
            let reports = samples.reports(reportsPerNode + index).suffix(reportsPerNode)
            nodeSaveSeconds += try Bench.time {
                try WriteBench.save(Array(reports), perTransaction: 1, store: store, mission: samples.mission)
            }
            nodes.append(Node(name: "node-\(index)", directory: directory, store: store, token: try hub.issueToken(node: "node-\(index)")))
        }
        let runners = try await enroll(nodes, hubURL: hub.url, concurrency: concurrency)

        let clock = ContinuousClock()
        let start = clock.now
        var pending = runners
        var rounds = 0
        var lastErrors: [String] = []
        while !pending.isEmpty {
            guard rounds < maxRounds else {
                throw BenchError(.convergence, "\(pending.count) nodes still have a backlog after \(maxRounds) rounds; first errors: \(lastErrors.prefix(3).joined(separator: "; "))")
            }
            rounds += 1
            let outcomes = await syncRound(pending, concurrency: concurrency)
            pending = outcomes.filter { $0.error != nil || $0.backlog > 0 }.map(\.runner)
            lastErrors = outcomes.compactMap(\.error)
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        let listed = try listedReports(hub)
        let convergeSeconds = Bench.seconds(clock.now - start)
        guard listed == count * reportsPerNode else {
            throw BenchError(.convergence, "every node's backlog is 0 but the hub lists \(listed) reports, not \(count * reportsPerNode)")
        }
        let peakKiB = try hub.peakMemoryKiB()
        let hubExit = hub.stop()

        // Baseline: the same reports written locally, no network (best of `runs`, fresh stores).
        let all = nodes.indices.flatMap { samples.reports(reportsPerNode + $0).suffix(reportsPerNode) }
        var localSeconds = Double.infinity
        for _ in 0..<max(1, runs) {
            let local = try WriteBench.nodeStore(mission: samples.mission)
            defer { Bench.remove(local.path) }
            localSeconds = min(localSeconds, try Bench.time {
                try WriteBench.save(all, perTransaction: max(1, reportsPerNode), store: local, mission: samples.mission)
            })
        }
        return Figures(nodes: count, reportsPerNode: reportsPerNode, rounds: rounds, convergeSeconds: convergeSeconds,
                      localSeconds: localSeconds, nodeSaveSeconds: nodeSaveSeconds, idleKiB: idleKiB, peakKiB: peakKiB,
                      hubExit: hubExit)
    }

    /// Enrolls every node with its token (`Enrollment.enroll`, as `fieldnode enroll` does).
    static func enroll(_ nodes: [Node], hubURL: String, concurrency: Int) async throws -> [SyncRunner] {
        let results = await Bench.concurrently(nodes, limit: concurrency) { node -> Result<SyncRunner, SyncClientError> in
            do throws(SyncClientError) {
                let credentials = try await Enrollment.enroll(hubURL: hubURL, token: node.token, store: node.store,
                                                              dataDir: node.directory, label: node.name)
                return .success(try SyncRunner(store: node.store, credentials: credentials))
            } catch {
                return .failure(error)
            }
        }
        return try results.map { result in
            switch result {
            case .success(let runner): return runner
            case .failure(let error): throw BenchError(.hub, "enrollment failed: \(error.message)")
            }
        }
    }

    /// One `syncOnce` per node, `concurrency` at a time, then each node's backlog.
    static func syncRound(_ runners: [SyncRunner], concurrency: Int) async -> [RoundOutcome] {
        await Bench.concurrently(runners, limit: concurrency) { runner in
            do {
                _ = try await runner.syncOnce()
                let backlog = try await runner.store.async { store in try store.backlog(peer: SyncRunner.peer) }
                return RoundOutcome(runner: runner, backlog: backlog, error: nil)
            } catch let error as SyncClientError {
                return RoundOutcome(runner: runner, backlog: -1, error: error.message)
            } catch {
                return RoundOutcome(runner: runner, backlog: -1, error: "\(error)")
            }
        }
    }

    /// How many reports `missionhub report list --json` lists.
    static func listedReports(_ hub: HubProcess) throws -> Int {
        let output = try hub.command(["report", "list", "--json"])
        guard case .array(let reports)? = try? JSON.parse(output) else {
            throw BenchError(.hub, "missionhub report list --json did not print a JSON array")
        }
        return reports.count
    }
}
