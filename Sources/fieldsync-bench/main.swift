import Foundation

// fieldsync-bench: prints throughput figures next to a baseline measured in the same run.
// Ratios are figure / baseline of the timed cost (time or bytes): above 1 is slower or larger.
//
// Usage: fieldsync-bench [--quick] [--only merge,write,wire,e2e,commit,memory,quarantine,listing,linkage,scrub,storage] [--nodes N] [--reports-per-node M]
//                        [--runs R] [--samples DIR] [--baseline-hub PATH] [--febrl DIR]
// The e2e, commit and memory sections start the `missionhub` found next to this executable (memory: and
// the one at --baseline-hub, for figures before a change): build both
// (swift build -c release --product missionhub; swift build -c release --product fieldsync-bench).

let options: BenchOptions
do {
    options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("\(error)\n\(BenchOptions.usage)\n".utf8))
    exit(64)
}

print("fieldsync-bench \(options.quick ? "(quick) " : "")— \(ProcessInfo.processInfo.activeProcessorCount) cores")

do {
    if options.runs(.merge) {
        let runs = options.repetitions
        Bench.header("merge: ops from batches into an on-disk store (synchronous=FULL, 1000 ops per transaction), best of \(runs)")
        let merge = try MergeBench.best(of: runs, reports: options.quick ? 400 : 4000, batchSize: 1000)
        Bench.row("ops merged (\(merge.ops) ops) vs plain inserts", Bench.rate(merge.ops, merge.mergeSeconds),
                  Bench.rate(merge.ops, merge.plainSeconds), merge.mergeSeconds / merge.plainSeconds)
        Bench.row("ops merged vs the fair floor (keyed op log + state row)", Bench.rate(merge.ops, merge.mergeSeconds),
                  Bench.rate(merge.ops, merge.keyedSeconds), merge.mergeSeconds / merge.keyedSeconds)
        Bench.row("batch decode", Bench.rate(merge.ops, merge.decodeSeconds), "-", nil)
    }
    if options.runs(.write) || options.runs(.wire) || options.runs(.e2e) || options.runs(.commit)
        || options.runs(.storage) {
        let samples = try Samples.load(directory: options.samplesDirectory)
        if options.runs(.write) { try Sections.write(samples, options) }
        if options.runs(.wire) { try Sections.wire(samples) }
        if options.runs(.e2e) { try await Sections.endToEnd(samples, options) }
        if options.runs(.commit) { try await Sections.commit(samples, options) }
        if options.runs(.storage) { try Sections.storage(samples, options) }
    }
    if options.runs(.memory) { try await Sections.memory(options) }
    if options.runs(.quarantine) { try Sections.quarantine(options) }
    if options.runs(.listing) { try Sections.listing(options) }
    if options.runs(.linkage) { try Sections.linkage(options) }
    if options.runs(.scrub) { try Sections.scrub(options) }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(70)
}
