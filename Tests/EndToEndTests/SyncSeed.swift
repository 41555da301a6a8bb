import Foundation

/// Seeded randomness for the timing of faults: a run prints its seed and
/// `FIELDSYNC_E2E_SEED=<seed>` replays the same schedule. The generator is SplitMix64
/// (`KillSeed`, NodeKillTests.swift).
struct SyncSeed: RandomNumberGenerator {
    let seed: UInt64
    private var generator: KillSeed

    /// `FIELDSYNC_E2E_SEED` when set, else a new random seed; printed either way, with `test`.
    init(test: String) {
        let given = ProcessInfo.processInfo.environment["FIELDSYNC_E2E_SEED"].flatMap(UInt64.init)
        self.init(seed: given ?? UInt64.random(in: 1...UInt64(UInt32.max)))
        print("\(test) seed: \(seed) (replay with FIELDSYNC_E2E_SEED=\(seed))")
    }

    init(seed: UInt64) {
        self.seed = seed
        generator = KillSeed(seed)
    }

    mutating func next() -> UInt64 { generator.next() }
}
