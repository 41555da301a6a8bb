import Foundation

/// Timing and reporting helpers for the benchmark executable. Figures are printed as ratios
/// against a baseline measured in the same run, because these machines are noisy.
enum Bench {
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The best of `runs` timings: the least disturbed by other work on the machine.
    static func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs { best = min(best, try time(body)) }
        return best
    }

    static func scratch(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "fieldsync-bench-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        let r = Double(count) / seconds
        return r >= 10_000 ? String(format: "%.0fk/s", r / 1000) : String(format: "%.0f/s", r)
    }

    static func row(_ label: String, _ value: String, _ baseline: String, _ ratio: Double) {
        let padded = label.padding(toLength: 46, withPad: " ", startingAt: 0)
        print("\(padded) \(value.padding(toLength: 12, withPad: " ", startingAt: 0)) \(baseline.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%.2fx", ratio))")
    }

    static func header(_ title: String) {
        print("")
        print("== \(title)")
        print("figure".padding(toLength: 46, withPad: " ", startingAt: 0) + " value        baseline     ratio")
    }
}
