import JSON
import Testing
import TestSupport

/// `fieldnode report add --json` with one huge grapheme cluster as a member name, a wire value or
/// the narrative runs in time linear in the file's bytes (issue 14), refusing or storing it as
/// for any other text.
@Suite struct NodeHostileInputTests {
    enum Place: String, CaseIterable, Sendable { case memberName, channel, narrative }

    /// The report with `text` at `place`, as file bytes.
    static func document(_ place: Place, _ text: String) -> [UInt8] {
        guard var object = Reports.valid.objectValue else { return [] }
        switch place {
        case .memberName: object[text] = 1
        case .channel: object["channel"] = .string(text)
        case .narrative: object["allegation"] = ["types": ["rape"], "narrative": .string(text)]
        }
        return JSON.encodeBytes(.object(object))
    }

    @Test(arguments: Place.allCases)
    func reportAddIsLinearInAHugeCluster(_ place: Place) async throws {
        let node = try TestNode()
        try node.initialise()
        // The narrative limit is 20 000 scalars; the plain twin uses precomposed "é" (2 bytes, 1 scalar).
        let cluster = HostileText.cluster(marks: place == .narrative ? 19_999 : 20_000)
        let plainText = place == .narrative ? "a" + String(repeating: "é", count: 19_999) : HostileText.plain(matching: cluster)
        let hostile = try node.file("hostile.json", Self.document(place, cluster))
        let plain = try node.file("plain.json", Self.document(place, plainText))
        let first = node.run(["report", "add", "--json", hostile])
        #expect(first.status == (place == .narrative ? 0 : 1), "\(first.stderr.prefix(200))")
        let result = await LinearTime.check(hostile: { node.run(["report", "add", "--json", hostile]) },
                                      plain: { node.run(["report", "add", "--json", plain]) })
        print("fieldnode report add, cluster as \(place): \(result)")
        #expect(result.isLinear, "\(place): \(result)")
    }
}
