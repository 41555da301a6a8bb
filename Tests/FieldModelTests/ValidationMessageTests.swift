import FieldModel
import JSON
import Testing

@Suite struct ValidationMessageTests {
    private func messages(_ edits: [([Sample.Step], JSONValue?)]) -> [String] {
        Sample.issues(Sample.with(edits)).map(\.description)
    }

    @Test func enumerationMessageListsEveryValue() {
        #expect(messages([(["victims", 1, "ageBand"], "teen")]) ==
            [#"victims[1].ageBand: "teen" is not one of under_12, 12_14, 15_17, 18_24, 25_39, 40_plus, unknown"#])
    }

    @Test func requiredMessageSaysWhatToGive() {
        #expect(messages([(["incident", "area"], nil)]) ==
            ["incident.area: required; give the locality (town, village or camp)"])
    }

    @Test func unknownFieldNamesTheAllowedOnes() {
        #expect(messages([(["allegation", "colour"], "red")]) ==
            ["allegation.colour: unknown field; allowed fields are types, narrative"])
    }

    @Test func typeMessageNamesBothTypes() {
        #expect(messages([(["consent", "shareWithInvestigators"], "yes")]) ==
            ["consent.shareWithInvestigators: expected a boolean, found a string"])
        #expect(messages([(["victims"], ["ageBand": "unknown"])]) == ["victims: expected an array, found an object"])
    }

    @Test func dateMessages() {
        #expect(messages([(["incident", "date"], "2026-02-30")]) ==
            [#"incident.date: "2026-02-30" is not a real calendar date; check the day and month"#])
        #expect(messages([(["incident", "date"], "27/02/2026")]) ==
            [#"incident.date: "27/02/2026" is not a date; use YYYY-MM-DD, e.g. 2026-02-03"#])
        #expect(messages([(["incident", "date"], nil), (["incident", "dateFrom"], "2026-02-10"),
                          (["incident", "dateTo"], "2026-02-01")]) ==
            ["incident.dateFrom: 2026-02-10 is after incident.dateTo 2026-02-01; give the earlier date first"])
        #expect(messages([(["incident", "date"], "2026-03-03")]) ==
            ["incident.date: 2026-03-03 is after the report was received (2026-03-01); check the date"])
        #expect(messages([(["receivedAt"], "1989-12-31T23:00:00Z"), (["incident", "date"], nil)]) ==
            [#"receivedAt: "1989-12-31T23:00:00Z" is before 1990-01-01; check the date"#])
        #expect(messages([(["receivedAt"], "2026-03-01 14:05")]) ==
            [#"receivedAt: "2026-03-01 14:05" is not an RFC 3339 timestamp; use e.g. 2026-03-01T14:05:00Z or 2026-03-01T14:05:00+01:00"#])
    }

    @Test func incidentDateMayBeOneDayAfterReceivedForTimeZones() throws {
        #expect(Sample.issues(Sample.with([(["incident", "date"], "2026-03-02")])).isEmpty)
        #expect(!Sample.issues(Sample.with([(["incident", "date"], "2026-03-03")])).isEmpty)
    }

    @Test func limitsSayTheSizeAndTheLimit() {
        let long = String(repeating: "x", count: 20_001)
        #expect(messages([(["allegation", "narrative"], .string(long))]) ==
            ["allegation.narrative: is 20001 characters long; the limit is 20000, shorten it"])
        let many = JSONValue.array(Array(repeating: ["ageBand": "unknown", "sex": "unknown"], count: 51))
        #expect(messages([(["victims"], many)]) ==
            ["victims: has 51 entries; the limit is 50, record the rest in the narrative"])
        #expect(messages([(["incident", "area"], "Bambari\r")]) ==
            ["incident.area: contains a control character (U+000D) at character 8; remove it"])
        #expect(messages([(["alleged", 0, "nationality"], "fr")]) ==
            [#"alleged[0].nationality: "fr" is not an ISO 3166 alpha-3 code (three capital letters, e.g. FRA) or unknown"#])
        #expect(messages([(["mission"], "minusca")]) ==
            [#"mission: "minusca" is not a mission code; use 2 to 16 capital letters or digits starting with a letter, e.g. MINUSCA"#])
        #expect(messages([(["allegation", "types"], ["rape", "rape"])]) ==
            [#"allegation.types[1]: "rape" is listed twice; list each value once"#])
    }

    @Test func allIssuesAreCollectedInOnePassInDocumentOrder() {
        let document = Sample.with([
            (["mission"], nil),
            (["channel"], "fax"),
            (["incident", "area"], "  "),
            (["allegation", "types"], []),
            (["victims", 0, "sex"], nil),
            (["victims", 1, "ageBand"], "teen"),
            (["alleged", 0, "nationality"], 42),
            (["consent", "followUpContact"], .null),
        ])
        let issues = Sample.issues(document)
        #expect(issues.map(\.path) == ["mission", "channel", "incident.area", "allegation.types", "victims[0].sex",
                                       "victims[1].ageBand", "alleged[0].nationality", "consent.followUpContact"])
        #expect(issues.map(\.code) == [.required, .notInEnumeration, .tooShort, .tooShort, .required,
                                       .notInEnumeration, .wrongType, .wrongType])
    }

    @Test func unknownFieldsAreRefusedByNameAtEveryLevel() {
        let document = Sample.with([
            (["reporter"], "someone"),
            (["incident", "coordinates", "alt"], 420),
            (["victims", 0, "identifiers", "address"], "somewhere"),
        ])
        #expect(Sample.issues(document).map(\.description) == [
            "reporter: unknown field; allowed fields are mission, channel, receivedAt, incident, allegation, victims, alleged, needs, consent",
            "incident.coordinates.alt: unknown field; allowed fields are lat, lon",
            "victims[0].identifiers.address: unknown field; allowed fields are name, phone, dateOfBirth",
        ])
    }

    @Test func messagesNeverQuoteIdentifiersOrTheNarrative() {
        let document = Sample.with([
            (["victims", 0, "identifiers", "name"], "Jane\u{7}Testperson"),
            (["victims", 0, "identifiers", "phone"], .string(String(repeating: "7", count: 300))),
            (["allegation", "narrative"], "Secret account\u{0}"),
        ])
        let text = Sample.issues(document).map(\.description).joined(separator: "\n")
        #expect(Sample.issues(document).count == 3)
        #expect(!text.contains("Jane") && !text.contains("777") && !text.contains("Secret"))
    }

    @Test func parseReportsSizeSyntaxAndValidation() {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: Intake.maxBytes + 1)
        guard case .failure(let tooLarge) = Intake.parse(big, now: Sample.now, linkage: Sample.linkageKey) else { Issue.record("accepted"); return }
        #expect(tooLarge.code == .tooLarge)
        #expect(tooLarge.message.hasPrefix("the report is 1048577 bytes; the limit is 1048576 bytes (1 MiB)"))

        guard case .failure(let syntax) = Intake.parse(Array(#"{"mission": "MINUSCA",}"#.utf8), now: Sample.now, linkage: Sample.linkageKey)
        else { Issue.record("accepted"); return }
        #expect(syntax.code == .malformedJSON)
        #expect(syntax.message.hasPrefix("the report is not valid JSON: "))

        guard case .failure(let invalid) = Intake.parse(Array(#"{"mission": "MINUSCA"}"#.utf8), now: Sample.now, linkage: Sample.linkageKey)
        else { Issue.record("accepted"); return }
        #expect(invalid.code == .invalid)
        #expect(invalid.validation?.issues.map(\.path) == ["channel", "incident", "allegation", "consent"])
    }

    @Test func receivedAtDefaultsToTheCallersNow() throws {
        let report = try Sample.valid(Sample.with([(["receivedAt"], nil)]))
        #expect(report.receivedAt.text == Sample.now)
        let bad = Sample.issues(Sample.with([(["receivedAt"], nil)]), now: "yesterday")
        #expect(bad.map(\.description) == [#"receivedAt: not given, and the current time "yesterday" is not an RFC 3339 timestamp; use e.g. 2026-03-01T14:05:00Z or 2026-03-01T14:05:00+01:00"#])
    }

    @Test func timestampsAreCanonicalised() throws {
        let report = try Sample.valid(Sample.with([(["receivedAt"], "2026-03-01t14:05:00.5z")]))
        #expect(report.receivedAt.text == "2026-03-01T14:05:00.5Z")
        for bad in ["2026-03-01T14:05:00", "2026-03-01T14:05Z", "2026-03-01T14:05:60.Z", "2026-03-01T14:05:00+1:00",
                    "2026-03-01T14:05:00.1234567890Z", "2026-13-01T14:05:00Z", "2026-03-01T14:05:00+24:00"] {
            #expect(Timestamp.parse(bad) == .badShape, "\(bad)")
        }
        #expect(Timestamp.parse("2026-02-29T10:00:00Z") == .notInCalendar)
    }

    @Test func calendarRules() {
        #expect(CalendarDate.parse("2024-02-29") == .parsed(CalendarDate(year: 2024, month: 2, day: 29)!))
        #expect(CalendarDate.parse("2100-02-29") == .notInCalendar)
        #expect(CalendarDate.parse("2000-02-29") != .notInCalendar)
        #expect(CalendarDate.parse("2026-04-31") == .notInCalendar)
        #expect(CalendarDate.parse("2026-00-10") == .badShape)
        #expect(CalendarDate.parse("2026-1-10") == .badShape)
        #expect(CalendarDate(year: 2026, month: 2, day: 28)!.adding(days: 1)?.description == "2026-03-01")
        #expect(CalendarDate(year: 2024, month: 12, day: 31)!.adding(days: 1)?.description == "2025-01-01")
        #expect(CalendarDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
    }

    @Test func shortTextsAreTrimmedAndNarrativeKept() throws {
        let report = try Sample.valid(Sample.with([(["incident", "area"], "  Bambari \u{3000}"),
                                                   (["allegation", "narrative"], "  Line one\n\tLine two  ")]))
        #expect(report.incident.area == "Bambari")
        #expect(report.allegation.narrative == "  Line one\n\tLine two  ")
    }
}

@Suite struct ValidationLimitTests {
    @Test func issuesAreCappedWithASummary() {
        var object = JSONObject()
        for i in 0..<150 { object["extra\(i)"] = .int(Int64(i)) }
        let issues = Sample.issues(.object(object))
        #expect(issues.count == Intake.maxIssues + 1)
        #expect(issues.last?.description == "and 55 more issues; fix the ones above and validate again")
    }

    @Test func theRootMustBeAnObject() {
        #expect(Sample.issues(["a", "b"]).map(\.description) == ["expected an object (the report), found an array"])
    }
}
