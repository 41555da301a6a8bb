import Foundation
import Toolkit

typealias ToolkitSeededGenerator = SplitMix64

extension SplitMix64 {
    static func seedFromEnvironment() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["TOOLKIT_TEST_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 0...UInt64.max)
    }
}
