import Scrub
import Testing
import TestSupport

/// A hostile narrative costs time linear in its bytes: 64 KiB of combining marks, of digits
/// and separators, of `@` and dots, of cue words, scrubbed no slower than plain text of the
/// same size (within `LinearTime`'s bound).
@Suite struct ScrubHostileTests {
    static let size = 64 * 1024

    static func repeated(_ unit: String) -> String {
        String(repeating: unit, count: size / unit.utf8.count)
    }

    static let plain = repeated("the soldier came back to the market at night and ")

    static func expectLinear(_ what: String, _ hostile: String, identifiers: [PersonIdentifiers] = [],
                             sourceLocation: SourceLocation = #_sourceLocation) async {
        let scrubber = NarrativeScrubber(identifiers: identifiers)
        let result = await LinearTime.check(hostile: { _ = scrubber.scrub(hostile) }, plain: { _ = scrubber.scrub(Self.plain) })
        print("\(what) (\(hostile.utf8.count) B): \(result)")
        #expect(result.isLinear, "\(what): \(result)", sourceLocation: sourceLocation)
    }

    @Test func oneHugeClusterOfCombiningMarks() async {
        let cluster = HostileText.cluster(marks: Self.size / 2)
        await Self.expectLinear("one cluster", cluster, identifiers: [PersonIdentifiers(name: "Aminata e\u{301}")])
        await Self.expectLinear("cue then cluster", "Her uncle " + cluster, identifiers: [PersonIdentifiers(name: "Aminata")])
        // And the cluster itself is kept byte for byte.
        #expect(NarrativeScrubber().scrub("Bangui " + cluster).text == "Bangui " + cluster)
    }

    @Test func runsThatScannersLookBackOrAheadOn() async {
        await Self.expectLinear("digits and separators", Self.repeated("1 2-3.4/5 "))
        await Self.expectLinear("one long number", Self.repeated("7"))
        await Self.expectLinear("at signs and dots", Self.repeated("a@b.c"))
        await Self.expectLinear("dots and domains", Self.repeated("x.com."))
        await Self.expectLinear("degrees", Self.repeated("1°2'3\" "))
        await Self.expectLinear("cue words", Self.repeated("Mr Mr. her uncle called "))
        await Self.expectLinear("capitalised words", Self.repeated("Aminata Koné de "), identifiers: [PersonIdentifiers(name: "Aminata Koné")])
        await Self.expectLinear("street words", Self.repeated("12 rue de la Paix avenue "))
        await Self.expectLinear("no spaces", Self.repeated("Ab"), identifiers: [PersonIdentifiers(name: "Abababab")])
    }
}
