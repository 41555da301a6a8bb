import Foundation

/// Seeded randomness for the timing of faults (SplitMix64): a failing run prints its seed and
/// `FIELDSYNC_E2E_SEED=<seed>` replays the same schedule.
struct SyncSeed: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    /// `FIELDSYNC_E2E_SEED` when set, else a new random seed; printed either way, with `test`.
    init(test: String) {
        let given = ProcessInfo.processInfo.environment["FIELDSYNC_E2E_SEED"].flatMap(UInt64.init)
        self.init(seed: given ?? UInt64.random(in: 1...UInt64(UInt32.max)))
        print("\(test) seed: \(seed) (replay with FIELDSYNC_E2E_SEED=\(seed))")
    }

    init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
