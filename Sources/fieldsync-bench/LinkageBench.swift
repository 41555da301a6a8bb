import Foundation
import Linkage

/// Issue 16 (prepares issue 17): pairwise matching of survivors from their keyed encodings at
/// the threshold fixed in `BloomEncoding.matchThreshold`, against the same comparison on clear
/// text and an exact match of the normalised identifiers, on Febrl 3 and 4 (names and dates of
/// birth) and on `SurvivorGenerator`'s mission records.
enum LinkageBench {
    struct Score {
        let truePositives: Int
        let predicted: Int
        let actual: Int
        var precision: Double { predicted == 0 ? 0 : Double(truePositives) / Double(predicted) }
        var recall: Double { actual == 0 ? 0 : Double(truePositives) / Double(actual) }
        var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
        var text: String { String(format: "P %.3f  R %.3f  F1 %.3f", precision, recall, f1) }
    }

    /// A data set: records (already split into A and B for a linkage task) and the true pairs.
    struct DataSet {
        let name: String
        let a: [SurvivorIdentifiers]
        /// nil: deduplicate `a` (every pair i < j); else link `a` to `b`.
        let b: [SurvivorIdentifiers]?
        /// True pairs as (index in a, index in a or b).
        let truth: Set<Pair>
    }

    struct Pair: Hashable {
        let i: Int, j: Int
        init(_ i: Int, _ j: Int, ordered: Bool) { (self.i, self.j) = ordered || i < j ? (i, j) : (j, i) }
    }

    /// Every pair whose score reaches `threshold`, with its score.
    static func candidates<T>(_ a: [T], _ b: [T]?, threshold: Double, _ score: (T, T) -> Double) -> [(Pair, Double)] {
        var out: [(Pair, Double)] = []
        if let b {
            for i in a.indices { for j in b.indices { let s = score(a[i], b[j]); if s >= threshold { out.append((Pair(i, j, ordered: true), s)) } } }
        } else {
            for i in a.indices { for j in (i + 1)..<a.count { let s = score(a[i], a[j]); if s >= threshold { out.append((Pair(i, j, ordered: false), s)) } } }
        }
        return out
    }

    static func score(_ pairs: [Pair], truth: Set<Pair>) -> Score {
        Score(truePositives: pairs.reduce(0) { $0 + (truth.contains($1) ? 1 : 0) }, predicted: pairs.count, actual: truth.count)
    }

    /// One-to-one linkage (anonlink's greedy solver): best pairs first, each record used once.
    static func greedy(_ candidates: [(Pair, Double)]) -> [Pair] {
        var usedA = Set<Int>(), usedB = Set<Int>(), out: [Pair] = []
        for (pair, _) in candidates.sorted(by: { $0.1 > $1.1 }) where !usedA.contains(pair.i) && !usedB.contains(pair.j) {
            usedA.insert(pair.i)
            usedB.insert(pair.j)
            out.append(pair)
        }
        return out
    }

    /// Pairs whose normalised name and date of birth are equal and both known.
    static func exact(_ set: DataSet) -> [Pair] {
        func key(_ x: SurvivorIdentifiers) -> String? {
            guard let name = x.name, let date = x.dateOfBirth else { return nil }
            return name + "|" + date.description + "|" + (x.phone ?? "")
        }
        var groups: [String: [Int]] = [:]
        for (index, x) in set.a.enumerated() { if let k = key(x) { groups[k, default: []].append(index) } }
        var out: [Pair] = []
        if let b = set.b {
            for (j, y) in b.enumerated() { if let k = key(y) { for i in groups[k] ?? [] { out.append(Pair(i, j, ordered: true)) } } }
        } else {
            for members in groups.values where members.count > 1 {
                for x in members.indices { for y in (x + 1)..<members.count { out.append(Pair(members[x], members[y], ordered: false)) } }
            }
        }
        return out
    }

    /// The figures for one data set, printed.
    static func run(_ set: DataSet, key: LinkageKey) {
        let threshold = BloomEncoding.matchThreshold
        let all = set.a + (set.b ?? [])
        var encodings: [BloomEncoding] = []
        let encodeSeconds = Bench.time { encodings = all.map { BloomEncoding($0, key: key) } }
        var plain: [PlainTokenSet] = []
        let plainSeconds = Bench.time { plain = all.map(PlainTokenSet.init) }
        let split = set.a.count
        let clk = candidates(Array(encodings[..<split]), set.b == nil ? nil : Array(encodings[split...]), threshold: threshold) { $0.dice($1) }
        let clear = candidates(Array(plain[..<split]), set.b == nil ? nil : Array(plain[split...]), threshold: threshold) { $0.dice($1) }
        let pairs = set.b == nil ? "\(set.a.count) records, \(set.truth.count) true pairs"
            : "\(set.a.count) x \(set.b?.count ?? 0) records, \(set.truth.count) true pairs"
        print("-- \(set.name) (\(pairs)), threshold \(threshold) fixed in code")
        line("keyed CLK (1024 bits), Dice >= threshold", score(clk.map(\.0), truth: set.truth))
        line("baseline: clear-text weighted token Dice, same threshold", score(clear.map(\.0), truth: set.truth))
        line("baseline: exact normalised identifiers", score(exact(set), truth: set.truth))
        if set.b != nil {
            line("keyed CLK, one-to-one (greedy)", score(greedy(clk), truth: set.truth))
            line("baseline: clear-text Dice, one-to-one (greedy)", score(greedy(clear), truth: set.truth))
        }
        Bench.row("encodings/s (\(all.count)) vs clear-text token sets", Bench.rate(all.count, encodeSeconds),
                  Bench.rate(all.count, plainSeconds), encodeSeconds / plainSeconds)
    }

    static func line(_ label: String, _ score: Score) {
        print("  " + label.padding(toLength: 58, withPad: " ", startingAt: 0) + score.text)
    }
}
