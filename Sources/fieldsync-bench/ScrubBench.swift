import Foundation
import Scrub
import ScrubCorpus

/// Issue 16: the narrative scrubber on the labelled corpus (Tests/ScrubCorpus): recall per
/// kind and ordinary words kept on the held-out part, against a regex-only pass (phones,
/// e-mails, URLs, as a first attempt would do), and the time per narrative against copying and
/// scanning its bytes.
enum ScrubBench {
    struct Result {
        let heldOut: CorpusScore
        let regex: CorpusScore
        let development: CorpusScore
        let fieldNotes: CorpusScore
        let narratives: Int
        let meanBytes: Int
        let scrubSeconds: Double
        let copySeconds: Double
        let regexSeconds: Double
        /// Narratives of 8 held-out ones joined (about 2 KiB), scrubbed: time grows with length only.
        let longBytes: Int
        let longCount: Int
        let longSeconds: Double
    }

    static let heldOutSeed: UInt64 = 16_002
    static let developmentSeed: UInt64 = 16_001

    static func run(narratives count: Int, runs: Int) throws -> Result {
        let corpus = CorpusGenerator.corpus(.heldOut, seed: heldOutSeed, count: count)
        let regex = try RegexPass()
        var regexScore = CorpusScore()
        for narrative in corpus {
            let spans = regex.spans(narrative.text)
            regexScore.add(narrative, replaced: spans, output: "")
        }
        let scrubbers = corpus.map { NarrativeScrubber(identifiers: $0.identifiers) }
        let texts = corpus.map(\.text)
        var sink = 0
        let scrubSeconds = Bench.best(runs) {
            for (scrubber, text) in zip(scrubbers, texts) { sink &+= scrubber.scrub(text).replacements.count }
        }
        let copySeconds = Bench.best(runs) {
            for text in texts {
                let bytes = Array(text.utf8)
                sink &+= bytes.reduce(0) { $0 &+ ($1 == 0x20 ? 1 : 0) }
                sink &+= String(decoding: bytes, as: UTF8.self).utf8.count
            }
        }
        let regexSeconds = Bench.best(runs) {
            for text in texts { sink &+= regex.spans(text).count }
        }
        var longTexts: [String] = []
        for start in stride(from: 0, to: texts.count - 7, by: 8) { longTexts.append(texts[start..<(start + 8)].joined(separator: " ")) }
        let longScrubbers = stride(from: 0, to: texts.count - 7, by: 8).map {
            NarrativeScrubber(identifiers: corpus[$0..<($0 + 8)].flatMap(\.identifiers))
        }
        let longSeconds = Bench.best(runs) {
            for (scrubber, text) in zip(longScrubbers, longTexts) { sink &+= scrubber.scrub(text).replacements.count }
        }
        if sink == 42 { print("") }  // keeps the work observable
        return Result(heldOut: CorpusScore.score(corpus), regex: regexScore,
                      development: CorpusScore.score(CorpusGenerator.corpus(.development, seed: developmentSeed, count: count)),
                      fieldNotes: CorpusScore.score(FieldNotes.all), narratives: count,
                      meanBytes: texts.reduce(0) { $0 + $1.utf8.count } / max(1, count),
                      scrubSeconds: scrubSeconds, copySeconds: copySeconds, regexSeconds: regexSeconds,
                      longBytes: longTexts.reduce(0) { $0 + $1.utf8.count } / max(1, longTexts.count), longCount: longTexts.count,
                      longSeconds: longSeconds)
    }

    /// Phones, e-mails and URLs by three regular expressions (Foundation), the naive baseline.
    struct RegexPass {
        let patterns: [(ScrubKind, NSRegularExpression)]

        init() throws {
            patterns = [
                (.email, try NSRegularExpression(pattern: #"[\w.+-]+@[\w-]+(\.[\w-]+)+"#)),
                (.url, try NSRegularExpression(pattern: #"(https?://|www\.)\S+"#)),
                (.phone, try NSRegularExpression(pattern: #"\+?\(?\d[\d .()-]{6,}\d"#)),
            ]
        }

        /// Replaced ranges in UTF-8 offsets.
        func spans(_ text: String) -> [(ScrubKind, Range<Int>)] {
            let ns = text as NSString
            var out: [(ScrubKind, Range<Int>)] = []
            for (kind, pattern) in patterns {
                for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                    guard let range = Range(match.range, in: text) else { continue }
                    let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
                    out.append((kind, start..<(start + text[range].utf8.count)))
                }
            }
            return out
        }
    }
}
