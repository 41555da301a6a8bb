import Foundation

/// Timing and reporting helpers for the benchmark executable. Figures are printed as ratios
/// against a baseline measured in the same run, because these machines are noisy.
enum Bench {
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return seconds(clock.now - start)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The best of `runs` timings: the least disturbed by other work on the machine.
    static func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs { best = min(best, try time(body)) }
        return best
    }

    /// This executable's path, symlinks resolved (`.build/release` is a link).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The repository's root: the first directory holding `Package.swift` and
    /// `Protocols/sync-v1.md`, walking up from the current directory, then from this executable's.
    static func repositoryRoot() -> String? {
        for start in [FileManager.default.currentDirectoryPath, (executablePath as NSString).deletingLastPathComponent] {
            var dir = start
            while !dir.isEmpty {
                if FileManager.default.fileExists(atPath: dir + "/Package.swift"),
                   FileManager.default.fileExists(atPath: dir + "/Protocols/sync-v1.md") { return dir }
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir { break }
                dir = parent
            }
        }
        return nil
    }

    /// A fresh empty directory under the temp dir.
    static func scratchDirectory() -> String {
        let dir = NSTemporaryDirectory() + "fieldsync-bench-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func scratch(_ name: String) -> String {
        scratchDirectory() + "/" + name
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        let r = Double(count) / seconds
        return r >= 10_000 ? String(format: "%.0fk/s", r / 1000) : String(format: "%.0f/s", r)
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 0.01 { return String(format: "%.2f ms", seconds * 1000) }
        return seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    static func kib(_ kib: Int) -> String {
        String(format: "%.1f MiB", Double(kib) / 1024)
    }

    /// One figure: label, value, baseline, ratio (nil: no baseline, printed `-`).
    static func row(_ label: String, _ value: String, _ baseline: String, _ ratio: Double?) {
        let padded = label.padding(toLength: 56, withPad: " ", startingAt: 0)
        let ratioText = ratio.map { String(format: "%.2fx", $0) } ?? "-"
        print("\(padded) \(value.padding(toLength: 12, withPad: " ", startingAt: 0)) \(baseline.padding(toLength: 12, withPad: " ", startingAt: 0)) \(ratioText)")
    }

    static func header(_ title: String) {
        print("")
        print("== \(title)")
        print("figure".padding(toLength: 56, withPad: " ", startingAt: 0) + " value        baseline     ratio")
    }

    /// `body` over every item, at most `limit` at a time; results in item order.
    static func concurrently<Item: Sendable, Output: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Output
    ) async -> [Output] {
        await withTaskGroup(of: (Int, Output).self) { group in
            var results = [Output?](repeating: nil, count: items.count)
            var next = 0
            func launch() {
                guard next < items.count else { return }
                let index = next, item = items[index]
                next += 1
                group.addTask { (index, await body(item)) }
            }
            for _ in 0..<min(max(1, limit), items.count) { launch() }
            while let (index, output) = await group.next() {
                results[index] = output
                launch()
            }
            return results.compactMap { $0 }
        }
    }
}
