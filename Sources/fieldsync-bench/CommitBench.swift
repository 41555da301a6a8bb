import Crypto
import Foundation
import HubKit
import NodeKit
import SyncClient
import SyncEngine
import SyncProtocol

/// Issue 15: group commit at the hub with a slow disk. The real `missionhub serve` runs under
/// `strace`, which delays every `fsync`/`fdatasync` of the hub by a fixed time (0, 2 or 5 ms: a
/// real disk; this machine's fsync takes about 0.1 ms) and logs each one, so the fsyncs of the
/// timed part are counted. N in-process field nodes (`SyncRunner`s, as `EndToEndBench` has),
/// each holding one new report, all sync at once: each pushes its report and pulls once. The
/// figure is one-report syncs per second at the hub; the baseline in the same run is the same
/// hub with every request in a commit of its own (`MISSIONHUB_MAX_COMMIT_GROUP=1`: the behaviour
/// before group commit). The hub's CPU time for the timed part is read from /proc.
///
/// Main actor: process spawns and /proc reads run on the main thread; the syncs are async.
@MainActor
enum CommitBench {
    struct Figure {
        let delayMicroseconds: Int
        let grouped: Bool
        let syncs: Int
        let seconds: Double
        let fsyncs: Int
        let hubCPUSeconds: Double
        /// Commits and the requests they held, from the hub's "hub stopped" line.
        let commits: Int
        let committedRequests: Int
        var perSecond: Double { Double(syncs) / seconds }
    }

    static func strace(delayMicroseconds: Int, output: String) -> [String] {
        var arguments = ["/usr/bin/strace", "-f", "--seccomp-bpf", "-qq", "-e", "signal=none", "-e", "trace=fsync,fdatasync", "-o", output]
        if delayMicroseconds > 0 { arguments += ["-e", "inject=fsync,fdatasync:delay_exit=\(delayMicroseconds)"] }
        return arguments + ["--"]
    }

    /// fsync/fdatasync calls strace has logged so far (one line each; an interrupted one starts
    /// a line "… <unfinished …>" and is counted there, not at its "resumed" line).
    static func fsyncs(in path: String) -> Int {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count { line in
            let call = line.drop { $0 != " " }.drop { $0 == " " }
            return call.hasPrefix("fsync(") || call.hasPrefix("fdatasync(")
        }
    }

    static func run(samples: Samples, nodes count: Int, delayMicroseconds: Int, grouped: Bool) async throws -> Figure {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            throw BenchError(.hub, "strace is not installed (/usr/bin/strace): apt-get install strace, or run `make bench`, which installs it")
        }
        let root = Bench.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hub = try HubProcess(directory: root)
        defer { hub.stop() }
        _ = try hub.command(["init", "--mission", samples.mission])
        var nodes: [EndToEndBench.Node] = []
        for index in 0..<count {
            let directory = root + "/node-\(index)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            let store = try WriteBench.nodeStore(mission: samples.mission, in: directory)
            try WriteBench.save(Array(samples.reports(index + 1).suffix(1)), perTransaction: 1, store: store, mission: samples.mission)
            nodes.append(EndToEndBench.Node(name: "node-\(index)", directory: directory, store: store,
                                            token: try hub.issueToken(node: "node-\(index)")))
        }
        // Every node at once over loopback, all from 127.0.0.1: lift the per-client cap.
        let config = root + "/missionhub.conf"
        try "max_connections_per_client = \(max(64, 2 * count))\nmax_connections = \(max(256, 2 * count))\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let trace = root + "/strace.txt"
        try hub.start(wrapper: strace(delayMicroseconds: delayMicroseconds, output: trace), arguments: ["--config", config],
                      environment: grouped ? [:] : [HubStore.maxCommitGroupVariable: "1"])
        let runners = try await EndToEndBench.enroll(nodes, hubURL: hub.url, concurrency: 16)

        let fsyncsBefore = fsyncs(in: trace), cpuBefore = try hub.cpuSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await EndToEndBench.syncRound(runners, concurrency: count)
        let seconds = Bench.seconds(clock.now - start)
        let fsyncsAfter = fsyncs(in: trace), cpuAfter = try hub.cpuSeconds()
        let failed = outcomes.filter { $0.error != nil || $0.backlog != 0 }
        guard failed.isEmpty else {
            throw BenchError(.convergence, "\(failed.count) of \(count) one-report syncs did not finish; first errors: \(failed.compactMap(\.error).prefix(3).joined(separator: "; "))")
        }
        hub.stop()
        let (commits, requests) = stoppedLine(hub.logPath)
        return Figure(delayMicroseconds: delayMicroseconds, grouped: grouped, syncs: count, seconds: seconds,
                      fsyncs: fsyncsAfter - fsyncsBefore, hubCPUSeconds: cpuAfter - cpuBefore, commits: commits, committedRequests: requests)
    }

    /// `commits` and `committed_requests` of the hub's last "hub stopped" line (0 when absent).
    static func stoppedLine(_ logPath: String) -> (Int, Int) {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard let line = log.split(separator: "\n").last(where: { $0.contains("hub stopped") }) else { return (0, 0) }
        func value(_ key: String) -> Int {
            line.split(separator: " ").first { $0.hasPrefix(key + "=") }.flatMap { Int($0.dropFirst(key.count + 1)) } ?? 0
        }
        return (value("commits"), value("committed_requests"))
    }

    /// What a push costs without the protocol around it: the same one-report pushes merged
    /// in-process into a hub store (`synchronous=FULL`, no fsync delay), one transaction each,
    /// plus the two signature checks of a sync round; CPU seconds per report (best of `runs`),
    /// to compare with the hub's CPU per sync round (wall time would count waiting for the
    /// disk, which other work on the machine makes slow).
    struct Floor {
        let mergeSeconds: Double
        let signatureSeconds: Double
    }

    static func floor(samples: Samples, reports count: Int, runs: Int) throws -> Floor {
        let directory = Bench.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The pushes: each report's ops as its node would send them.
        var pushes: [[Op]] = []
        for index in 0..<count {
            let node = try WriteBench.nodeStore(mission: samples.mission)
            defer { Bench.remove(node.path) }
            try WriteBench.save(Array(samples.reports(index + 1).suffix(1)), perTransaction: 1, store: node, mission: samples.mission)
            pushes.append(try node.pendingPush(peer: SyncRunner.peer))
        }
        var merge = Double.infinity
        for run in 0..<max(1, runs) {
            let data = directory + "/hub-\(run)"
            let hub = try HubStore.create(dataDirectory: data, mission: samples.mission, options: HubStore.options())
            merge = min(merge, try cpuTime { for push in pushes { _ = try hub.apply(push) } })
        }
        let key = Ed25519.PrivateKey()
        let base = RequestSigning.baseString(method: "POST", path: "/v1/push", node: .random(), counter: 1,
                                             body: BatchCodec.encode(pushes[0], compress: true))
        let signature = key.signature(for: base)
        let checks = 2000
        var valid = 0
        let signatureSeconds = cpuTime { for _ in 0..<checks where key.publicKey.isValidSignature(signature, for: base) { valid += 1 } }
        precondition(valid == checks, "the signature stopped verifying")
        return Floor(mergeSeconds: merge / Double(count), signatureSeconds: signatureSeconds / Double(checks))
    }

    /// CPU time of this process (all threads) spent in `body`, in seconds.
    static func cpuTime(_ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        let start = now()
        try body()
        return now() - start
    }
}
