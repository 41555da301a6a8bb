import Foundation
import Toolkit

typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["FIELDMODEL_SEED"], let seed = UInt64(text) { return seed }
        return UInt64(Date().timeIntervalSince1970 * 1000)
    }
}
