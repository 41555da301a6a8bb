import Foundation
import Linkage
import Scrub

/// Runs the sections of the benchmark on the given samples and prints their figures.
@MainActor
enum Sections {
    /// Issue 2: reports saved per second, one a transaction and batched, vs plain inserts.
    static func write(_ samples: Samples, _ options: BenchOptions) throws {
        let runs = options.repetitions
        Bench.header("write: reports saved through NodeReports on a node store (synchronous=FULL), best of \(runs) (1/tx: \(runs + 2))")
        let single = try WriteBench.run(samples: samples, reports: options.quick ? 40 : 300, perTransaction: 1, runs: runs + 2)
        Bench.row("1 report/tx (\(single.reports) reports, \(single.ops) ops) vs plain", Bench.rate(single.reports, single.storeSeconds),
                  Bench.rate(single.reports, single.plainSeconds), single.storeSeconds / single.plainSeconds)
        let batch = options.quick ? 50 : 100
        let batched = try WriteBench.run(samples: samples, reports: options.quick ? 400 : 2000, perTransaction: batch, runs: runs)
        Bench.row("\(batch) reports/tx (\(batched.reports) reports, \(batched.ops) ops) vs plain", Bench.rate(batched.reports, batched.storeSeconds),
                  Bench.rate(batched.reports, batched.plainSeconds), batched.storeSeconds / batched.plainSeconds)
    }

    /// Issue 3: push bytes of one new report vs its intake JSON gzipped.
    static func wire(_ samples: Samples) throws {
        Bench.header("wire: push body bytes (as sent) of one new report vs gzip of its intake JSON (aim <= 1.2)")
        let results = try WireBench.run(samples: samples)
        for r in results {
            Bench.row("\(r.sample.replacingOccurrences(of: ".json", with: "")) (\(r.ops) ops, \(r.uncompressedFrameBytes) B uncompressed)", "\(r.sentBytes) B", "\(r.intakeGzipBytes) B",
                      Double(r.sentBytes) / Double(r.intakeGzipBytes))
        }
        let sent = Double(results.reduce(0) { $0 + $1.sentBytes }) / Double(results.count)
        let gzip = Double(results.reduce(0) { $0 + $1.intakeGzipBytes }) / Double(results.count)
        let meanRatio = results.reduce(0.0) { $0 + Double($1.sentBytes) / Double($1.intakeGzipBytes) } / Double(results.count)
        Bench.row("mean of \(results.count) samples (mean of ratios)", String(format: "%.0f B", sent), String(format: "%.0f B", gzip), meanRatio)
        // Context: the intake files carry identifiers and indentation the node never stores.
        let canonical = Double(results.reduce(0) { $0 + $1.canonicalGzipBytes }) / Double(results.count)
        let canonicalRatio = results.reduce(0.0) { $0 + Double($1.sentBytes) / Double($1.canonicalGzipBytes) } / Double(results.count)
        Bench.row("mean vs gzip of the stored form (toJSON, compact)", String(format: "%.0f B", sent), String(format: "%.0f B", canonical), canonicalRatio)
    }

    /// Issue 4: N simulated nodes syncing with the real hub binary.
    static func endToEnd(_ samples: Samples, _ options: BenchOptions) async throws {
        let nodes = options.nodeCount, each = options.reportsEach, concurrency = 8
        Bench.header("e2e: \(nodes) nodes x \(each) reports to the missionhub binary on loopback, \(concurrency) syncing at a time")
        let r = try await EndToEndBench.run(samples: samples, nodes: nodes, reportsPerNode: each, concurrency: concurrency,
                                                runs: options.repetitions)
        Bench.row("reports/s at the hub vs local saves (\(each)/tx, best of \(options.repetitions))", Bench.rate(r.reports, r.convergeSeconds),
                  Bench.rate(r.reports, r.localSeconds), r.convergeSeconds / r.localSeconds)
        Bench.row("time to converge (\(r.reports) reports, \(r.rounds) round\(r.rounds == 1 ? "" : "s"))", Bench.duration(r.convergeSeconds),
                  Bench.duration(r.localSeconds), r.convergeSeconds / r.localSeconds)
        Bench.row("hub peak memory (VmHWM) vs idle after start", Bench.kib(r.peakKiB), Bench.kib(r.idleKiB),
                  Double(r.peakKiB) / Double(r.idleKiB))
        Bench.row("setup: node-local saves, 1 report/tx", Bench.rate(r.reports, r.nodeSaveSeconds), "-", nil)
        if r.hubExit != 0 { print("note: missionhub exited with status \(r.hubExit) after SIGTERM") }
    }

    /// Issue 15: group commit with a slow disk (`CommitBench`), and what a real push pays.
    static func commit(_ samples: Samples, _ options: BenchOptions) async throws {
        let nodes = options.nodes ?? (options.quick ? 32 : 128)
        Bench.header("commit: \(nodes) nodes syncing one new report each, all at once, with missionhub serve under strace delaying each "
            + "fsync; baseline: the same hub with one commit per request (MISSIONHUB_MAX_COMMIT_GROUP=1)")
        func number(_ value: Double) -> String { String(format: "%.2f", value) }
        var undelayed: CommitBench.Figure?
        for delay in [0, 2000, 5000] {
            let base = try await CommitBench.run(samples: samples, nodes: nodes, delayMicroseconds: delay, grouped: false)
            let group = try await CommitBench.run(samples: samples, nodes: nodes, delayMicroseconds: delay, grouped: true)
            if delay == 0 { undelayed = group }
            let label = delay == 0 ? "fsync not delayed" : "fsync + \(delay / 1000) ms"
            Bench.row("one-report syncs/s at the hub, \(label)", Bench.rate(group.syncs, group.seconds), Bench.rate(base.syncs, base.seconds),
                      group.seconds / base.seconds)
            let (groupFsyncs, baseFsyncs) = (Double(group.fsyncs) / Double(nodes), Double(base.fsyncs) / Double(nodes))
            Bench.row("  fsyncs per sync round", number(groupFsyncs), number(baseFsyncs), baseFsyncs > 0 ? groupFsyncs / baseFsyncs : nil)
            Bench.row("  requests per commit", number(Double(group.committedRequests) / Double(max(1, group.commits))),
                      number(Double(base.committedRequests) / Double(max(1, base.commits))), nil)
            Bench.row("  hub CPU per sync round", Bench.duration(group.hubCPUSeconds / Double(nodes)), Bench.duration(base.hubCPUSeconds / Double(nodes)),
                      group.hubCPUSeconds / base.hubCPUSeconds)
        }
        let floor = try CommitBench.floor(samples: samples, reports: options.quick ? 50 : 200, runs: options.repetitions)
        if let undelayed {
            let perSync = undelayed.hubCPUSeconds / Double(undelayed.syncs)
            Bench.row("what a real push pays: hub CPU per sync round vs CPU merging its report (1 tx)", Bench.duration(perSync),
                      Bench.duration(floor.mergeSeconds), perSync / floor.mergeSeconds)
            Bench.row("  of which the 2 signature checks (push, pull)", Bench.duration(2 * floor.signatureSeconds), "-", nil)
            Bench.row("  the rest: HTTP, decode, counters, stamp, ack, pull", Bench.duration(max(0, perSync - floor.mergeSeconds - 2 * floor.signatureSeconds)),
                      "-", nil)
        }
    }

    /// Issue 15: `report list` reads an index, not every document; the curve from 1k reports.
    static func listing(_ options: BenchOptions) throws {
        let sizes = options.quick ? [1000, 10_000] : [1000, 10_000, 100_000]
        Bench.header("listing: missionhub report list at N stored reports (25 ops each), best of \(options.repetitions)")
        for size in sizes {
            let r = try ListingBench.run(reports: size, runs: options.repetitions)
            Bench.row("report list, \(size) reports vs reading every document", Bench.duration(r.listSeconds),
                      Bench.duration(r.documentsSeconds), r.listSeconds / r.documentsSeconds)
        }
    }

    /// Issue 16: the narrative scrubber's recall and words kept on the held-out corpus, and its
    /// time per narrative.
    static func scrub(_ options: BenchOptions) throws {
        let count = options.quick ? 100 : 400, runs = options.repetitions + 2
        Bench.header("scrub: narratives scrubbed on the held-out corpus (\(count) EN/FR, seed \(ScrubBench.heldOutSeed)), "
                     + "baseline a regex-only pass (phones, e-mails, URLs); time best of \(runs)")
        let r = try ScrubBench.run(narratives: count, runs: runs)
        func figure(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
        for kind in ScrubKind.allCases {
            guard let n = r.heldOut.labelled[kind] else { continue }
            Bench.row("recall: \(kind.rawValue) (\(n) labelled)", figure(r.heldOut.recall(kind)), figure(r.regex.recall(kind) ?? 0), nil)
        }
        Bench.row("recall: overall", figure(r.heldOut.overallRecall), figure(r.regex.overallRecall), nil)
        Bench.row("ordinary words kept (\(r.heldOut.words) words)", figure(r.heldOut.wordsKeptShare), figure(r.regex.wordsKeptShare), nil)
        Bench.row("narratives scrubbed exactly as labelled", "\(r.heldOut.exact)/\(r.heldOut.narratives)", "-", nil)
        Bench.row("development part: recall overall / names", figure(r.development.overallRecall), figure(r.development.recall(.name)), nil)
        Bench.row("field notes (\(r.fieldNotes.narratives), hand-typed): recall / names", figure(r.fieldNotes.overallRecall),
                  figure(r.fieldNotes.recall(.name)), nil)
        let perNarrative = r.scrubSeconds / Double(r.narratives)
        Bench.row("µs per narrative (mean \(r.meanBytes) B) vs copy + scan bytes", String(format: "%.1f µs", perNarrative * 1e6),
                  String(format: "%.1f µs", r.copySeconds / Double(r.narratives) * 1e6), r.scrubSeconds / r.copySeconds)
        Bench.row("µs per narrative vs the regex-only pass", String(format: "%.1f µs", perNarrative * 1e6),
                  String(format: "%.1f µs", r.regexSeconds / Double(r.narratives) * 1e6), r.scrubSeconds / r.regexSeconds)
        let perLong = r.longSeconds / Double(max(1, r.longCount))
        Bench.row("µs per long narrative (8 joined, mean \(r.longBytes) B) vs 8 short", String(format: "%.1f µs", perLong * 1e6),
                  String(format: "%.1f µs", perNarrative * 8e6), perLong / (perNarrative * 8))
    }

    /// Issue 14: one laptop's held ops cost others nothing; a release reads only what it releases.
    static func quarantine(_ options: BenchOptions) throws {
        let reports = options.quick ? 2000 : 20_000, held = options.quick ? 2000 : 10_000
        Bench.header("quarantine: hub store with \(reports) reports and \(held) ops of one laptop held (a year ahead), best of \(options.repetitions)")
        let r = try QuarantineBench.run(reports: reports, held: held, runs: options.repetitions)
        Bench.row("another laptop's 1-report push, \(held) held vs none", Bench.duration(r.pushHeldSeconds),
                  Bench.duration(r.pushPlainSeconds), r.pushHeldSeconds / r.pushPlainSeconds)
        Bench.row("admin release of 1 held report + stamp vs that push", Bench.duration(r.releaseSeconds),
                  Bench.duration(r.pushPlainSeconds), r.releaseSeconds / r.pushPlainSeconds)
    }

    /// Issue 14: the hub's peak memory under hostile load (`MemoryBench`), and before the
    /// change when `--baseline-hub` names an older binary.
    static func memory(_ options: BenchOptions) async throws {
        let ops = options.quick ? 300 : 1000, connections = options.quick ? 32 : 64
        Bench.header("memory: growth of missionhub serve's VmHWM under each attack (default settings)"
            + (options.baselineHub == nil ? "" : "; baseline: \(options.baselineHub ?? "")"))
        let after = try await MemoryBench.run(binary: nil, largeOps: ops, slowConnections: connections)
        var before: [MemoryBench.Figure]?
        if let baseline = options.baselineHub {
            before = try await MemoryBench.run(binary: baseline, largeOps: ops, slowConnections: connections)
        }
        for (index, figure) in after.enumerated() {
            let old: MemoryBench.Figure? = before?[index]
            Bench.row(figure.attack, Bench.kib(figure.grownKiB), old.map { Bench.kib($0.grownKiB) } ?? "-",
                      old.map { Double(figure.grownKiB) / Double(max(1, $0.grownKiB)) })
            print("    outcome: \(figure.outcome)" + (old.map { "; baseline: \($0.outcome)" } ?? ""))
        }
    }

    /// Issue 16: matching survivors from keyed encodings, Febrl and the missions' names.
    static func linkage(_ options: BenchOptions) throws {
        let key = LinkageKey.random()
        Bench.header("linkage: pairwise survivor matching from keyed CLK encodings vs clear text (fresh random linkage key)")
        if let dir = FebrlData.locate(options.febrlDirectory) {
            LinkageBench.run(try FebrlData.febrl3(dir), key: key)
            LinkageBench.run(try FebrlData.febrl4(dir), key: key)
        } else {
            print("skipped Febrl: no febrl3.csv in ../shared/data/febrl from the repository root; give --febrl DIR")
        }
        let seed: UInt64 = 16
        var generator = SurvivorGenerator(seed: seed)
        let records = generator.records(people: options.quick ? 600 : 3000)
        let ids = records.map { r in
            SurvivorIdentifiers(normalizedName: r.name.flatMap(NameNormalizer.normalize),
                                phone: r.phone.flatMap(PhoneNormalizer.normalize),
                                dateOfBirth: r.dateOfBirth.flatMap(BirthDate.parse))
        }
        var truth = Set<LinkageBench.Pair>()
        var byPerson: [Int: [Int]] = [:]
        for (index, r) in records.enumerated() { byPerson[r.person, default: []].append(index) }
        for members in byPerson.values { for x in members.indices { for y in (x + 1)..<members.count { truth.insert(.init(members[x], members[y], ordered: false)) } } }
        LinkageBench.run(LinkageBench.DataSet(name: "mission names (SurvivorGenerator seed \(seed), \(byPerson.count) people, siblings share name and phone)",
                                              a: ids, b: nil, truth: truth), key: key)
    }

    /// Issue 15: bytes per report on the hub and on the node vs gzip of the intake JSON, and
    /// the hub's cost of one more push as the store grows.
    static func storage(_ samples: Samples, _ options: BenchOptions) throws {
        let sizes = options.quick ? [1000, 10_000] : [1000, 10_000, 101_000]
        let push = 20
        Bench.header("storage: bytes per stored report (VACUUM INTO copy) vs gzip of its intake JSON; \(push)-report push, best of \(options.repetitions)")
        var last: StorageBench.Point?
        try StorageBench.run(samples: samples, sizes: sizes, pushReports: push, runs: options.repetitions) { p in
            let gzip = String(format: "%.0f B", p.intakeGzipBytes)
            Bench.row("hub, \(p.reports) reports", String(format: "%.0f B", Double(p.hubBytes) / Double(p.reports)), gzip,
                      Double(p.hubBytes) / Double(p.reports) / p.intakeGzipBytes)
            Bench.row("node, \(p.reports) reports", String(format: "%.0f B", Double(p.nodeBytes) / Double(p.reports)), gzip,
                      Double(p.nodeBytes) / Double(p.reports) / p.intakeGzipBytes)
            Bench.row("hub cost of a \(push)-report push at \(p.reports), per report", String(format: "%.0f us", p.pushSeconds * 1e6 / Double(p.pushReports)),
                      "-", nil)
            last = p
        }
        guard let last else { return }
        for (side, rows) in [("hub", last.hubBreakdown), ("node", last.nodeBreakdown)] {
            print("  \(side) at \(last.reports) reports, bytes per report by table and index:")
            for row in rows where row.bytes * 200 >= (side == "hub" ? last.hubBytes : last.nodeBytes) {
                print("    " + row.name.padding(toLength: 32, withPad: " ", startingAt: 0) + String(format: "%8.0f B", Double(row.bytes) / Double(last.reports)))
            }
        }
    }
}
