import Foundation
import JSON
import NodeKit
import Testing

/// `report new` driven by scripted standard input (not a terminal: lines are read as they come).
@Suite struct NodeInteractiveTests {
    /// Answers for a complete report, one line each, ending with the confirmation.
    static let happy: [String] = [
        "",                                 // mission: the node's
        "1",                                // channel: hotline
        "",                                 // received: now
        "2026-02-27",                       // incident date
        "n",                                // not approximate
        "Bambari",                          // area
        "",                                 // no premises
        "5.7621,20.6712",                   // coordinates
        "3 4",                              // sexual_exploitation, transactional_sex
        "Offered money for sex.", "She was approached twice.", ".",
        "y", "3", "1",                      // victim: 15_17, female
        "n",                                // no identifiers given
        "n",
        "y", "1", "", "North checkpoint",   // alleged: military contingent, nationality unknown
        "n",
        "3,1",                              // needs: psychosocial, medical_urgent
        "y", "y", "n",                      // consent
        "",                                 // keep the narrative as scrubbed
        "y",                                // save
    ]

    private static func script(_ lines: [String]) -> String {
        lines.map { $0 + "\n" }.joined()
    }

    @Test func scriptedHappyPathSavesTheReportAsAnswered() throws {
        let node = try TestNode()
        try node.initialise()
        let result = node.run(["report", "new", "--output", "json"], stdin: Self.script(Self.happy))
        #expect(result.status == 0, "\(result.stderr)")
        let saved = try result.json()
        let ref = try #require(saved["ref"]?.stringValue)
        let shown = try node.run(["report", "show", ref, "--json"]).json()
        let report = try node.opened(try #require(saved["id"]?.stringValue))
        #expect(report["mission"] == "MINUSCA")
        #expect(report["channel"] == "hotline")
        #expect(report["incident"] == ["date": "2026-02-27", "dateApproximate": false, "area": "Bambari",
                                      "coordinates": ["lat": 5.76, "lon": 20.67]])
        #expect(report["allegation"] == ["types": ["sexual_exploitation", "transactional_sex"],
                                        "narrative": "Offered money for sex.\nShe was approached twice."])
        #expect(report["victims"] == [["ageBand": "15_17", "sex": "female"]])
        #expect(report["alleged"] == [["personnelCategory": "military_contingent", "nationality": "unknown",
                                      "unit": "North checkpoint"]])
        #expect(report["needs"] == ["medical_urgent", "psychosocial"])
        #expect(report["consent"] == ["shareWithInvestigators": true, "victimAssistanceReferral": true,
                                     "followUpContact": false])
        #expect(shown["derived"] == ["category": 1, "involvesChild": true, "ageUndetermined": false])
        // The summary shown before the question says what will be stored, coarsened.
        #expect(result.stderr.contains("This is what will be stored (coordinates coarsened to about 1 km"))
        #expect(result.stderr.contains("incident.coordinates.lat          5.76"))
        #expect(result.stderr.hasSuffix("Save this report? [y/N]: "))
    }

    @Test func inputEndingAtAnyPointSavesNothing() throws {
        let node = try TestNode()
        try node.initialise()
        _ = try node.add(Reports.valid)
        let before = try node.snapshot()
        for count in 0..<Self.happy.count {
            let result = node.run(["report", "new"], stdin: Self.script(Array(Self.happy.prefix(count))))
            #expect(result.status == 1, "after \(count) answers")
            #expect(result.stdout.isEmpty, "after \(count) answers")
            #expect(result.stderr.hasSuffix("\ncancelled; nothing was saved\n"), "after \(count) answers")
            #expect(!result.stderr.contains("error:"), "after \(count) answers")
        }
        // A last line cut short (no newline) is an answer, then input ends.
        let cut = node.run(["report", "new"], stdin: Self.script(Array(Self.happy.prefix(5))) + "Bamb")
        #expect(cut.stderr.hasSuffix("cancelled; nothing was saved\n"))
        #expect(try node.snapshot() == before)
    }

    @Test func decliningAtTheEndSavesNothing() throws {
        let node = try TestNode()
        try node.initialise()
        let before = try node.snapshot()
        for answer in ["n", "", "no"] {
            let result = node.run(["report", "new"], stdin: Self.script(Self.happy.dropLast() + [answer]))
            #expect(result.status == 1)
            #expect(result.stderr.hasSuffix("Save this report? [y/N]: cancelled; nothing was saved\n"))
        }
        #expect(try node.snapshot() == before)
    }

    @Test func anInvalidAnswerReasksOnlyThatQuestion() throws {
        let node = try TestNode()
        try node.initialise()
        var answers = Self.happy
        answers.replaceSubrange(0...0, with: ["UNMISS", ""])                       // another mission, then the node's
        answers.replaceSubrange(2...2, with: ["9", "hotline"])                     // out of range, then by value
        answers.replaceSubrange(5...5, with: ["yesterday", "2026-02-30", "2026-02-27"])
        let coordinates = try #require(answers.firstIndex(of: "5.7621,20.6712"))
        answers.replaceSubrange(coordinates...coordinates, with: ["95,20", "abc", "5.7621,20.6712"])
        let narrativeEnd = try #require(answers.firstIndex(of: "."))
        answers.replaceSubrange(narrativeEnd - 2...narrativeEnd, with: [".", "Offered money for sex.", "She was approached twice.", "."])
        let nationality = try #require(answers.firstIndex(of: "North checkpoint")) - 1
        answers.replaceSubrange(nationality...nationality, with: ["fr", "unknown"])
        let result = node.run(["report", "new", "--output", "json"], stdin: Self.script(answers))
        #expect(result.status == 0, "\(result.stderr)")
        let err = result.stderr
        #expect(err.contains("not accepted: this node records reports for mission MINUSCA only"))
        #expect(err.contains("\"9\" is not a choice; type a number from 1 to 7"))
        #expect(err.contains("not accepted: \"yesterday\" is not a date; use YYYY-MM-DD"))
        #expect(err.contains("not accepted: \"2026-02-30\" is not a real calendar date; check the day and month"))
        #expect(err.contains("not accepted: 95.0 is out of range; latitude is -90 to 90 degrees"))
        #expect(err.contains("not accepted: \"abc\" is not LAT,LON"))
        #expect(err.contains("not accepted: must not be blank") || err.contains("not accepted: must not be empty"))
        #expect(err.contains("not accepted: \"FR\" is not an ISO 3166 alpha-3 code"))
        // Only the question answered wrongly comes again.
        #expect(err.components(separatedBy: "Date of the incident").count - 1 == 3)
        #expect(err.components(separatedBy: "Locality of the incident").count - 1 == 1)
        #expect(err.components(separatedBy: "Coordinates as LAT,LON").count - 1 == 3)
        #expect(err.components(separatedBy: "Mission [MINUSCA]").count - 1 == 2)
        let report = try node.opened(try #require(try result.json()["id"]?.stringValue))
        #expect(report["incident"]?["date"] == "2026-02-27")
        #expect(report["allegation"]?["narrative"] == "Offered money for sex.\nShe was approached twice.")
    }
}
