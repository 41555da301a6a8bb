import Foundation

// fieldsync-bench: prints throughput figures next to a baseline measured in the same run.
// Usage: fieldsync-bench [--quick]
let quick = CommandLine.arguments.contains("--quick")

print("fieldsync-bench \(quick ? "(quick)" : "") — \(ProcessInfo.processInfo.activeProcessorCount) cores")

do {
    Bench.header("merge: ops from batches into an on-disk store (synchronous=FULL, 1000 ops per transaction)")
    let merge = try MergeBench.run(reports: quick ? 400 : 4000, batchSize: 1000)
    Bench.row("ops merged (\(merge.ops) ops) vs plain inserts", Bench.rate(merge.ops, merge.mergeSeconds),
              Bench.rate(merge.ops, merge.plainSeconds), merge.mergeSeconds / merge.plainSeconds)
    Bench.row("batch decode", Bench.rate(merge.ops, merge.decodeSeconds), "-", 0)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(70)
}
