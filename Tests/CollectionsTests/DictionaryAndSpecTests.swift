import Collections
import Foundation
import SyncProtocol
import Testing

/// Preset dictionary 1 (sync-v1.md §8.3) is fixed bytes; the registry must stay covered by it,
/// and the spec's application section (§19.3) must list exactly the registry's fields.
@Suite struct DictionaryAndSpecTests {
    /// Words of dictionary 1 that name collections and fields planned when it was fixed
    /// (case management, referrals, reference data, the hub's status) and not yet registered.
    static let plannedWords: Set<String> = ["ref.premises", "ref.mission", "referral", "case", "hub.status"]

    /// The report's names as a one-report frame spells them: collection, fields (the first
    /// victim and alleged person), and the values of its closed lists.
    static var reportWords: Set<String> {
        let report = ReportCollection.spec
        var words: Set<String> = [report.name]
        for field in report.fields {
            words.insert(field.name.replacingOccurrences(of: "[]", with: "[0]"))
            words.formUnion(field.values)
        }
        return words
    }

    /// Fields registered after dictionary 1 was fixed (§8.3: they cost a few bytes more a frame).
    static let addedAfterDictionaryOne: Set<String> = [
        "victims[0].survivorCode", "victims[0].survivorPhoneCode", "victims[0].survivorEncoding",
    ]

    @Test func everyNameAndValueOfAReportIsInDictionaryOne() {
        let dictionary = Set(BatchDictionary.words)
        let missing = Self.reportWords.subtracting(dictionary).subtracting(Self.addedAfterDictionaryOne)
        #expect(missing.isEmpty, "not in preset dictionary 1: \(missing.sorted())")
    }

    @Test func everyWordOfDictionaryOneIsARegistryNameOrPlanned() {
        // victims[1].* is the second victim: the same fields as victims[0].*.
        let known = Self.reportWords.union(Self.plannedWords)
            .union(Self.reportWords.filter { $0.hasPrefix("victims[0].") }.map { $0.replacingOccurrences(of: "[0]", with: "[1]") })
        let stray = Set(BatchDictionary.words).subtracting(known)
        #expect(stray.isEmpty, "dictionary words the registry does not explain: \(stray.sorted())")
    }

    @Test func theSpecListsExactlyTheRegistrysFields() throws {
        let spec = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Protocols/sync-v1.md"), encoding: .utf8)
        let begin = try #require(spec.range(of: "<!-- collections:begin -->\n"))
        let end = try #require(spec.range(of: "<!-- collections:end -->"))
        let listed = String(spec[begin.upperBound..<end.lowerBound])
        let tables = CollectionRegistry.standard.markdownTables
        let same = listed == tables
        let generated = NSTemporaryDirectory() + "sync-v1-collections.md"
        if !same { try tables.write(toFile: generated, atomically: true, encoding: .utf8) }
        #expect(same, "sync-v1.md §19.3 differs from the registry; the registry's tables are in \(generated): paste them between the markers")
    }
}
