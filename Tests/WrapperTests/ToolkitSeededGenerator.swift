import Foundation

/// A deterministic generator (SplitMix64) for randomized tests. The seed comes from
/// `TOOLKIT_TEST_SEED` when set (to replay a failure), else from the clock; tests print it.
struct ToolkitSeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    static func seedFromEnvironment() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["TOOLKIT_TEST_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 0...UInt64.max)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
