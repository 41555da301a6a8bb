import FieldModel
import Testing

@Suite struct ReferenceCodeTests {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    private static let missionChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    private static let alphabetBytes = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let missionBytes = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// Vectors computed by an independent implementation (python, same algorithm).
    @Test(arguments: ["MINUSCA-7Q4K-2N", "UNMISS-0000-0W", "MONUSCO-ZZZZ-ZK", "UNIFIL-A1B2-CS"])
    func knownVectorsAreValid(text: String) throws {
        let code = try #require(ReferenceCode.parse(text))
        #expect(code.isValid)
        #expect(code.description == text)
    }

    @Test func parseIsTolerant() throws {
        let canonical = try #require(ReferenceCode.parse("MINUSCA-7Q4K-2N"))
        for typed in ["minusca-7q4k-2n", "MINUSCA 7Q4K 2N", " minusca7q4k2n ", "MINUSCA - 7Q4K - 2N"] {
            #expect(ReferenceCode.parse(typed) == canonical, "\(typed)")
        }
        let zeros = try #require(ReferenceCode.parse("UNMISS-OoOO-oW"))
        #expect(zeros.description == "UNMISS-0000-0W" && zeros.isValid)
        let ones = try #require(ReferenceCode.parse("UNIFIL-AiB2-CS"))
        #expect(ones.description == "UNIFIL-A1B2-CS" && ones.isValid)
        #expect(ReferenceCode.parse("UNIFIL-AlB2-CS")?.isValid == true)
    }

    @Test func parseRefusesWhatIsNotShapedLikeACode() {
        for text in ["", "MINUSCA", "MINUSCA-7Q4K", "MINUSCA-7Q4K-2U", "7-7Q4K-2N", "MINUSCA_7Q4K-2N", "MINUSÇA-7Q4K-2N",
                     "ABCDEFGHIJKLMNOPQ-7Q4K-2N", "MINUSCA-7Q4K2N-2", "MIN-USCA-7Q4K-2N"] {
            #expect(ReferenceCode.parse(text) == nil, "\(text)")
        }
        #expect(ReferenceCode.parse("MINUSCA-7Q4K-2M")?.isValid == false)
    }

    @Test func generatedCodesHaveTheFormAndAreValid() {
        var rng = SeededGenerator(seed: 42)
        let code = ReferenceCode.generate(mission: "MINUSCA", using: &rng)
        #expect(code.isValid)
        let text = code.description
        #expect(text.hasPrefix("MINUSCA-") && text.count == 15)
        #expect(text.dropFirst(8).allSatisfy { $0 == "-" || Self.alphabet.contains($0) })
        #expect(Array(text)[12] == "-")
    }

    /// Every single substitution and every adjacent transposition of 10 000 random codes is
    /// caught, except the ones the pigeonhole argument in `ReferenceCode` allows: a mission
    /// character swapped for one with the same value (O/0, I/1/L, U/V).
    @Test func everySubstitutionAndTranspositionIsCaught() throws {
        let seed = SeededGenerator.seed()
        print("ReferenceCodeTests seed \(seed) (replay with FIELDMODEL_SEED=\(seed))")
        var rng = SeededGenerator(seed: seed)
        let sameValue: [Set<UInt8>] = [Set("O0".utf8), Set("IL1".utf8), Set("UV".utf8)]
        func equivalent(_ a: UInt8, _ b: UInt8) -> Bool { a == b || sameValue.contains { $0.contains(a) && $0.contains(b) } }
        var checked = 0
        for round in 0..<10_000 {
            let length = Int.random(in: 2...16, using: &rng)
            let mission = String([Self.missionChars[Int.random(in: 0..<26, using: &rng)]]
                + (1..<length).map { _ in Self.missionChars.randomElement(using: &rng)! })
            let code = ReferenceCode.generate(mission: mission, using: &rng)
            try #require(code.isValid)
            let chars = Array(code.mission.utf8) + Array(code.symbols.utf8)
            let split = code.mission.utf8.count
            func accepted(_ variant: [UInt8], missionChanged: Bool = true) -> Bool {
                let mission = missionChanged ? String(decoding: variant[..<split], as: UTF8.self) : code.mission
                return ReferenceCode(mission: mission, symbols: String(decoding: variant[split...], as: UTF8.self))?.isValid ?? false
            }
            // Substitutions in the six symbols, all 31 alternatives each.
            for position in split..<chars.count {
                for replacement in Self.alphabetBytes where replacement != chars[position] {
                    var variant = chars
                    variant[position] = replacement
                    checked += 1
                    if accepted(variant, missionChanged: false) { Issue.record("substitution \(String(decoding: variant, as: UTF8.self)) of \(code) passes (seed \(seed))"); return }
                }
            }
            // Substitutions in the mission (every 10th code: the mission part is the costly one).
            if round % 10 == 0 {
                for position in 0..<split {
                    for replacement in Self.missionBytes where !equivalent(replacement, chars[position]) {
                        var variant = chars
                        variant[position] = replacement
                        checked += 1
                        if accepted(variant) { Issue.record("substitution \(String(decoding: variant, as: UTF8.self)) of \(code) passes (seed \(seed))"); return }
                    }
                }
            }
            // Adjacent transpositions over the whole code, the mission/payload boundary included.
            for position in 0..<(chars.count - 1) where !equivalent(chars[position], chars[position + 1]) {
                var variant = chars
                variant.swapAt(position, position + 1)
                checked += 1
                if accepted(variant) { Issue.record("transposition \(String(decoding: variant, as: UTF8.self)) of \(code) passes (seed \(seed))"); return }
            }
        }
        #expect(checked > 2_000_000)
    }
}
