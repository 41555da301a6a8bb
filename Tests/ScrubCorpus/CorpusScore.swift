import Scrub

/// Recall per kind and the share of ordinary words kept, over a set of labelled narratives.
///
/// A labelled identifier counts as caught when every byte of it lies in a replaced span
/// (whatever the placeholder); `typed` counts those replaced by their own kind's placeholder.
/// An ordinary word is a run of letters or digits outside every label; it is kept when none of
/// its bytes is replaced.
public struct CorpusScore: Sendable {
    public private(set) var labelled: [ScrubKind: Int] = [:]
    public private(set) var caught: [ScrubKind: Int] = [:]
    public private(set) var typed: [ScrubKind: Int] = [:]
    public private(set) var words = 0
    public private(set) var wordsKept = 0
    public private(set) var narratives = 0
    public private(set) var exact = 0
    /// Labels missed and words lost, for reading (test output only; the corpus is synthetic).
    public private(set) var misses: [String] = []
    public private(set) var losses: [String] = []

    public init() {}

    public mutating func add(_ narrative: LabelledNarrative, _ result: ScrubResult) {
        add(narrative, replaced: result.replacements.map { ($0.kind, $0.original) }, output: result.text)
    }

    /// Scores any scrubber: the byte ranges of the input it replaced, by kind, and its output.
    public mutating func add(_ narrative: LabelledNarrative, replaced spans: [(ScrubKind, Range<Int>)], output: String) {
        narratives += 1
        if output == narrative.expected { exact += 1 }
        let bytes = Array(narrative.text.utf8)
        var replaced = [ScrubKind?](repeating: nil, count: bytes.count)
        for (kind, range) in spans { for i in range { replaced[i] = kind } }
        var inLabel = [Bool](repeating: false, count: bytes.count)
        for label in narrative.labels {
            labelled[label.kind, default: 0] += 1
            for i in label.range { inLabel[i] = true }
            if label.range.allSatisfy({ replaced[$0] != nil }) {
                caught[label.kind, default: 0] += 1
                if label.range.allSatisfy({ replaced[$0] == label.kind }) { typed[label.kind, default: 0] += 1 }
            } else if misses.count < 400 {
                misses.append("\(label.kind): \(String(decoding: bytes[label.range], as: UTF8.self))  «\(narrative.text)»")
            }
        }
        var i = 0
        while i < bytes.count {
            guard isWordByte(bytes[i]), !inLabel[i] else { i += 1; continue }
            var j = i
            while j < bytes.count, isWordByte(bytes[j]), !inLabel[j] { j += 1 }
            words += 1
            if (i..<j).allSatisfy({ replaced[$0] == nil }) {
                wordsKept += 1
            } else if losses.count < 400 {
                losses.append("\(String(decoding: bytes[i..<j], as: UTF8.self))  «\(narrative.text)»")
            }
            i = j
        }
    }

    private func isWordByte(_ b: UInt8) -> Bool {
        (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b >= 0x30 && b <= 0x39 || b >= 0x80
    }

    public func recall(_ kind: ScrubKind) -> Double? {
        guard let n = labelled[kind], n > 0 else { return nil }
        return Double(caught[kind] ?? 0) / Double(n)
    }

    public var overallRecall: Double {
        let n = labelled.values.reduce(0, +)
        return n == 0 ? 1 : Double(caught.values.reduce(0, +)) / Double(n)
    }

    public var typedShare: Double {
        let n = caught.values.reduce(0, +)
        return n == 0 ? 1 : Double(typed.values.reduce(0, +)) / Double(n)
    }

    public var wordsKeptShare: Double { words == 0 ? 1 : Double(wordsKept) / Double(words) }

    /// Scores `scrubber(narrative)` over every narrative.
    public static func score(_ corpus: [LabelledNarrative]) -> CorpusScore {
        var score = CorpusScore()
        for narrative in corpus {
            score.add(narrative, NarrativeScrubber(identifiers: narrative.identifiers).scrub(narrative.text))
        }
        return score
    }

    /// The table the tests and the benchmark print.
    public var table: String {
        var lines = ["kind            labelled  caught  recall"]
        for kind in ScrubKind.allCases {
            guard let n = labelled[kind], let r = recall(kind) else { continue }
            lines.append(kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(n).padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(caught[kind] ?? 0).padding(toLength: 8, withPad: " ", startingAt: 0) + Self.format(r))
        }
        lines.append("overall recall \(Self.format(overallRecall)), typed correctly \(Self.format(typedShare)), "
                     + "ordinary words kept \(Self.format(wordsKeptShare)) (\(wordsKept)/\(words)), exact output \(exact)/\(narratives)")
        return lines.joined(separator: "\n")
    }

    static func format(_ x: Double) -> String {
        let permille = Int((x * 1000).rounded())
        return "\(permille / 1000).\(String(permille % 1000 + 1000).dropFirst())"
    }
}
