import FieldModel
import JSON
import Testing
import TestSupport

/// A report whose member name or enumeration value is one huge grapheme cluster is refused in
/// time linear in its bytes (issue 14): field names and wire values are matched by UTF-8 bytes.
@Suite struct HostileTextTests {
    static let marks = 20_000

    /// The sample report with `text` put where `place` says, as bytes.
    static func report(_ place: Place, _ text: String) -> [UInt8] {
        switch place {
        case .rootKey, .victimKey:
            var document = JSON.encode(Sample.report)
            let anchor = place == .rootKey ? "\"mission\":" : "\"ageBand\":"
            let at = try! #require(document.range(of: anchor))
            document.insert(contentsOf: "\"\(text)\":1,", at: at.lowerBound)
            return Array(document.utf8)
        case .channel: return JSON.encodeBytes(Sample.setting(Sample.report, ["channel"], to: .string(text)))
        case .need: return JSON.encodeBytes(Sample.setting(Sample.report, ["needs"], to: [.string(text), "legal"]))
        case .nationality:
            return JSON.encodeBytes(Sample.setting(Sample.report, ["alleged", 0, "nationality"], to: .string(text)))
        }
    }

    enum Place: String, CaseIterable, Sendable { case rootKey, victimKey, channel, need, nationality }

    @Test(arguments: Place.allCases)
    func aHugeClusterIsRefusedInLinearTime(_ place: Place) async throws {
        let cluster = HostileText.cluster(marks: Self.marks)
        let hostile = Self.report(place, cluster), plain = Self.report(place, HostileText.plain(matching: cluster))
        #expect(hostile.count == plain.count)
        guard case .failure(let error) = Intake.parse(hostile, now: Sample.now, linkage: Sample.linkageKey) else {
            Issue.record("\(place): the hostile report was accepted")
            return
        }
        #expect(error.code == .invalid)
        let result = await LinearTime.check(hostile: { _ = Intake.parse(hostile, now: Sample.now, linkage: Sample.linkageKey) },
                                      plain: { _ = Intake.parse(plain, now: Sample.now, linkage: Sample.linkageKey) })
        print("Intake.parse, cluster at \(place): \(result)")
        #expect(result.isLinear, "\(place): \(result)")
    }

    @Test func unknownMembersAreStillNamed() throws {
        let key = "e\u{301}xtra"
        guard case .failure(let error) = Intake.parse(Self.report(.rootKey, key), now: Sample.now, linkage: Sample.linkageKey) else {
            Issue.record("accepted an unknown member")
            return
        }
        #expect(error.validation?.issues.map(\.path) == [key])
        #expect(error.validation?.issues.first?.code == .unknownField)
    }
}
