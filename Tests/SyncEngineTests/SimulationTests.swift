import Foundation
import Testing
@testable import SyncEngine

/// Convergence under any delivery. `FIELDSYNC_SIM_SEED=n` replays one seed;
/// `FIELDSYNC_SIM_SEEDS=n` sets how many seeds run (default 1000).
@Suite struct SimulationTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seedCount = UInt64(environment["FIELDSYNC_SIM_SEEDS"] ?? "") ?? 1000
    static let shards = 8

    static func seeds(shard: Int) -> [UInt64] {
        if let one = environment["FIELDSYNC_SIM_SEED"].flatMap(UInt64.init) { return shard == 0 ? [one] : [] }
        return (1...seedCount).filter { Int($0 % UInt64(shards)) == shard }
    }

    @Test(arguments: 0..<shards)
    func replicasConvergeWhateverTheNetworkDoes(shard: Int) throws {
        for seed in Self.seeds(shard: shard) {
            var simulation = try Simulation(seed: seed)
            let problems: [String]
            do {
                problems = try simulation.run()
            } catch {
                Issue.record("seed \(seed) (\(simulation.mode.rawValue)) threw \(error); replay with FIELDSYNC_SIM_SEED=\(seed)")
                continue
            }
            if !problems.isEmpty {
                Issue.record("seed \(seed) (\(simulation.mode.rawValue)) diverged; replay with FIELDSYNC_SIM_SEED=\(seed):\n\(problems.prefix(10).joined(separator: "\n"))")
            }
        }
    }

    /// The clock invariants can fail: without the skew guard (maxDrift 2^64-1 in every store)
    /// the node a year ahead drags the hub's clock there and the hub merges its future ops.
    @Test(arguments: [UInt64(1), 2])
    func withoutTheSkewGuardTheClockInvariantsBreak(seed: UInt64) throws {
        var off = try Simulation(seed: seed, quarantine: false)
        let problems = try off.run()
        #expect(problems.contains { $0.hasPrefix("hub merged") }, "seed \(seed): \(problems.prefix(5))")
        #expect(problems.contains { $0.hasPrefix("hub: clock") }, "seed \(seed): \(problems.prefix(5))")
        var on = try Simulation(seed: seed)
        #expect(try on.run() == [], "seed \(seed)")
    }
}
