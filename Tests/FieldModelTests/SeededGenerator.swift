import Foundation

/// SplitMix64: a small seeded generator for replayable randomized tests. The seed comes from
/// `FIELDMODEL_SEED` when set (to replay a failure), else from the clock; tests print it.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["FIELDMODEL_SEED"], let seed = UInt64(text) { return seed }
        return UInt64(Date().timeIntervalSince1970 * 1000)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
