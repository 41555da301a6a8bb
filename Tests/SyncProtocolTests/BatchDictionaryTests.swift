import Foundation
import Testing
@testable import SyncProtocol

@Suite struct BatchDictionaryTests {
    /// The spec lists preset dictionary 1 word by word; the code must hold exactly those bytes.
    @Test func theSpecAndTheCodeDefineTheSameDictionary() throws {
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocols/sync-v1.md")
        let text = try String(contentsOf: spec, encoding: .utf8)
        let marker = try #require(text.range(of: "Preset dictionary 1 is the UTF-8 bytes"))
        let after = text[marker.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
        let listed = after.drop { !$0.hasPrefix("    ") }.prefix { $0.hasPrefix("    ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(listed == BatchDictionary.words)
        #expect(BatchDictionary.v1 == Array(listed.joined().utf8))
        #expect(text.contains("(\(BatchDictionary.v1.count) bytes;"))
    }
}
