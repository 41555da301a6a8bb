import Foundation
import Linkage

/// The Febrl 3 and 4 names and dates of birth in `../shared/data/febrl` from the repository
/// root (not copied into the repository: the bench reads them where they are).
enum FebrlData {
    /// The directory, or nil when it is not there (the section then says so and skips).
    static func locate(_ given: String?) -> String? {
        if let given { return given }
        guard let root = Bench.repositoryRoot() else { return nil }
        let dir = ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("shared/data/febrl")
        return FileManager.default.fileExists(atPath: dir + "/febrl3.csv") ? dir : nil
    }

    static func febrl3(_ dir: String) throws -> LinkageBench.DataSet {
        let (ids, records) = try load(dir + "/febrl3.csv")
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        return LinkageBench.DataSet(name: "febrl3 (deduplication)", a: records, b: nil,
                                    truth: try truth(dir + "/febrl3-truth.csv", index, index, ordered: false))
    }

    static func febrl4(_ dir: String) throws -> LinkageBench.DataSet {
        let (idsA, a) = try load(dir + "/febrl4-a.csv"), (idsB, b) = try load(dir + "/febrl4-b.csv")
        return LinkageBench.DataSet(name: "febrl4 (linkage A to B)", a: a, b: b, truth: try truth(
            dir + "/febrl4-truth.csv", Dictionary(uniqueKeysWithValues: idsA.enumerated().map { ($1, $0) }),
            Dictionary(uniqueKeysWithValues: idsB.enumerated().map { ($1, $0) }), ordered: true))
    }

    /// `rec_id,given_name,surname,date_of_birth` rows: ids and normalised identifiers (a date
    /// of birth that is not a real date, as Febrl's typos make some, counts as not given).
    static func load(_ path: String) throws -> ([String], [SurvivorIdentifiers]) {
        var ids: [String] = [], records: [SurvivorIdentifiers] = []
        for row in try rows(path) {
            guard row.count == 4 else { throw BenchError(.samples, "\(path): expected 4 columns, found \(row.count)") }
            ids.append(row[0])
            records.append(SurvivorIdentifiers(normalizedName: NameNormalizer.normalize(row[1] + " " + row[2]), phone: nil,
                                               dateOfBirth: row[3].isEmpty ? nil : BirthDate.parse(row[3])))
        }
        return (ids, records)
    }

    static func truth(_ path: String, _ a: [String: Int], _ b: [String: Int], ordered: Bool) throws -> Set<LinkageBench.Pair> {
        var out = Set<LinkageBench.Pair>()
        for row in try rows(path) {
            guard row.count == 2, let i = a[row[0]], let j = b[row[1]] else { throw BenchError(.samples, "\(path): unknown record in \(row)") }
            out.insert(LinkageBench.Pair(i, j, ordered: ordered))
        }
        return out
    }

    /// The rows after the header; the files have no quoted fields.
    private static func rows(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
