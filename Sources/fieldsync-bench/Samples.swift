import FieldModel
import Linkage
import Foundation

/// The sample reports of Deploy/samples, read and validated like `fieldnode report add` does.
struct Samples {
    struct Sample {
        /// The file name, such as `01-hotline-checkpoint.json`.
        let name: String
        /// The intake JSON exactly as in the file.
        let bytes: [UInt8]
        let report: ReportIntake
    }

    /// A fixed "now" for `Intake.parse`, so every run stores the same values.
    static let now = "2026-12-01T09:00:00Z"
    /// A fixed linkage key, so the samples' identifiers give the same codes every run.
    static let linkageKey = LinkageKey(bytes: [UInt8](repeating: 0x16, count: LinkageKey.byteCount))!

    let directory: String
    let all: [Sample]

    /// The samples in `directory`, or in the first `Deploy/samples` found walking up from the
    /// current directory, then from the executable's directory.
    static func load(directory: String?) throws -> Samples {
        guard let found = directory ?? locate() else {
            throw BenchError(.samples, "cannot find Deploy/samples; run from the repository or pass --samples DIR")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: found)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        guard !names.isEmpty else { throw BenchError(.samples, "no *.json reports in \(found); pass --samples DIR") }
        let all = try names.map { name -> Sample in
            guard let data = FileManager.default.contents(atPath: found + "/" + name) else {
                throw BenchError(.samples, "cannot read \(found)/\(name)")
            }
            let bytes = [UInt8](data)
            switch Intake.parse(bytes, now: now, linkage: linkageKey) {
            case .success(let report): return Sample(name: name, bytes: bytes, report: report)
            case .failure(let error): throw BenchError(.samples, "\(found)/\(name) is not a valid report: \(error.message)")
            }
        }
        let missions = Set(all.map(\.report.mission))
        guard missions.count == 1 else {
            throw BenchError(.samples, "the samples in \(found) name several missions (\(missions.sorted().joined(separator: ", "))); use samples of one mission")
        }
        return Samples(directory: found, all: all)
    }

    /// The one mission every sample is for.
    var mission: String { all[0].report.mission }

    /// `count` reports, cycling through the samples.
    func reports(_ count: Int) -> [ReportIntake] {
        (0..<count).map { all[$0 % all.count].report }
    }

    private static func locate() -> String? {
        let starts = [FileManager.default.currentDirectoryPath,
                      (Bench.executablePath as NSString).deletingLastPathComponent]
        for start in starts {
            var dir = start
            while !dir.isEmpty {
                let candidate = dir + "/Deploy/samples"
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                    return candidate
                }
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir { break }
                dir = parent
            }
        }
        return nil
    }
}
