import Scrub
import ScrubCorpus
import Testing

/// The labelled corpus (Tests/ScrubCorpus): figures on the development part are printed, those
/// on the held-out part (other templates, names, places and writings) are asserted.
@Suite struct ScrubCorpusTests {
    static let developmentSeed: UInt64 = 16_001
    static let heldOutSeed: UInt64 = 16_002

    /// Scores a generated part and prints its table with the first misses (the seed replays it).
    static func figures(_ part: CorpusPart, _ name: String, seed: UInt64) -> CorpusScore {
        let corpus = CorpusGenerator.corpus(part, seed: seed, count: 400)
        let score = CorpusScore.score(corpus)
        print("\(name) corpus (seed \(seed), \(corpus.count) narratives):\n\(score.table)")
        for miss in score.misses.prefix(40) { print("  missed \(miss)") }
        for loss in score.losses.prefix(40) { print("  lost \(loss)") }
        return score
    }

    @Test func developmentFigures() {
        let score = Self.figures(.development, "development", seed: Self.developmentSeed)
        #expect(score.overallRecall >= 0.98)
    }

    @Test func heldOutFigures() {
        let score = Self.figures(.heldOut, "held-out", seed: Self.heldOutSeed)
        #expect(score.overallRecall >= 0.98)
        #expect((score.recall(.name) ?? 0) >= 0.95)
        #expect(score.wordsKeptShare >= 0.98)
    }

    @Test func hardCases() {
        let score = CorpusScore.score(HardCases.all)
        print("hand-written cases:\n\(score.table)")
        for miss in score.misses { print("  missed \(miss)") }
        for loss in score.losses { print("  lost \(loss)") }
        for narrative in HardCases.all {
            let result = NarrativeScrubber(identifiers: narrative.identifiers).scrub(narrative.text)
            #expect(result.text == narrative.expected, "«\(narrative.text)»")
        }
    }
}

/// Notes typed as on a call, written after the rules were fixed (Tests/ScrubCorpus/FieldNotes.swift).
@Suite struct ScrubFieldNotesTests {
    @Test func fieldNotesFigures() {
        let score = CorpusScore.score(FieldNotes.all)
        print("field notes (\(FieldNotes.all.count) narratives):\n\(score.table)")
        for miss in score.misses { print("  missed \(miss)") }
        for loss in score.losses { print("  lost \(loss)") }
        for narrative in FieldNotes.all {
            let text = NarrativeScrubber(identifiers: narrative.identifiers).scrub(narrative.text).text
            if text != narrative.expected { print("  differs: \(text)\n  expected: \(narrative.expected)") }
        }
        #expect(score.overallRecall >= 0.98)
        #expect((score.recall(.name) ?? 0) >= 0.95)
        #expect(score.wordsKeptShare >= 0.98)
    }
}
