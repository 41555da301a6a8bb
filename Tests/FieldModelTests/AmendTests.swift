import FieldModel
import JSON
import Testing

@Suite struct AmendTests {
    private var stored: JSONValue { (try? Sample.valid().toJSON()) ?? .null }

    private func amend(_ path: String, _ value: String) -> Result<Amendment, ValidationErrors> {
        Intake.validateAmendment(current: stored, path: path, rawValue: value)
    }

    private func messages(_ path: String, _ value: String) -> [String] {
        if case .failure(let errors) = amend(path, value) { return errors.issues.map(\.description) }
        return []
    }

    @Test func refusesAnInvalidEnumerationValueLikeIntake() {
        #expect(messages("victims[1].ageBand", "teen") ==
            [#"victims[1].ageBand: "teen" is not one of under_12, 12_14, 15_17, 18_24, 25_39, 40_plus, unknown"#])
        #expect(messages("channel", "fax").count == 1)
    }

    @Test func acceptsAValidEnumerationValue() throws {
        let amendment = try amend("victims[1].ageBand", "12_14").get()
        #expect(amendment.fields.count == 1)
        #expect(amendment.fields.first?.path == "victims[1].ageBand")
        #expect(amendment.fields.first?.value == .string("12_14"))
        #expect(amendment.sets.isEmpty)
        #expect(amendment.report.victims[1].ageBand == .from12To14)
    }

    @Test func readsValuesByTheTypeThePathExpects() throws {
        #expect(try amend("consent.followUpContact", "YES").get().fields.map(\.value) == [.bool(true)])
        #expect(messages("consent.followUpContact", "maybe") ==
            [#"consent.followUpContact: "maybe" is not a boolean; use true, false, yes or no"#])
        #expect(messages("incident.coordinates.lat", "north") ==
            [#"incident.coordinates.lat: "north" is not a number; give degrees as a decimal, e.g. 4.36"#])
        #expect(messages("incident.coordinates.lat", "nan").count == 1)
        #expect(messages("incident.coordinates.lat", "95") ==
            ["incident.coordinates.lat: 95.0 is out of range; latitude is -90 to 90 degrees"])
        let coarse = try amend("incident.coordinates.lat", "4.36789").get()
        #expect(coarse.fields.map(\.value) == [.double(4.37)], "stored coarsened, never exact")
        #expect(messages("incident.date", "2026-02-30") ==
            [#"incident.date: "2026-02-30" is not a real calendar date; check the day and month"#])
    }

    @Test func setsTakeACommaList() throws {
        let amendment = amend("needs", " legal, shelter ,legal_aid ")
        #expect(throws: ValidationErrors.self) { try amendment.get() }
        let ok = try amend("needs", "shelter, legal").get()
        #expect(ok.sets.map(\.path) == ["needs"] && ok.sets.first?.elements == ["legal", "shelter"])
        #expect(ok.fields.isEmpty)
        #expect(messages("allegation.types", "") ==
            ["allegation.types: must list at least one value; use other_misconduct if no other type fits"])
        #expect(messages("allegation.types", "rape,rape") == [#"allegation.types[1]: "rape" is listed twice; list each value once"#])
    }

    @Test func dateAndRangeReplaceEachOther() throws {
        let range = try amend("incident.date", "2026-02-01..2026-02-10").get()
        #expect(range.fields.map(\.path) == ["incident.date", "incident.dateFrom", "incident.dateTo"])
        #expect(range.fields.map(\.value) == [.null, .string("2026-02-01"), .string("2026-02-10")])
        #expect(range.report.incident.date == .range(from: CalendarDate(year: 2026, month: 2, day: 1)!,
                                                       to: CalendarDate(year: 2026, month: 2, day: 10)!))
        let unknown = try amend("incident.date", "unknown").get()
        #expect(unknown.fields.map(\.path) == ["incident.date"] && unknown.fields.first?.value == .null)
        #expect(messages("incident.date", "2026-02-10..2026-02-01") ==
            ["incident.dateFrom: 2026-02-10 is after incident.dateTo 2026-02-01; give the earlier date first"])
        #expect(messages("incident.dateFrom", "2026-02-01") == ["incident.date: give either date or dateFrom and dateTo, not both"])
    }

    @Test func optionalFieldsClearWithAnEmptyValueAndRequiredOnesCannot() throws {
        let cleared = try amend("alleged[0].unit", "").get()
        #expect(cleared.fields.map(\.path) == ["alleged[0].unit"] && cleared.fields.first?.value == .null)
        #expect(messages("incident.area", " ") == ["incident.area: must not be blank; give the locality (town, village or camp)"])
        let removed = try amend("incident.coordinates", "").get()
        #expect(removed.fields.map(\.path) == ["incident.coordinates.lat", "incident.coordinates.lon"])
        #expect(removed.fields.allSatisfy { $0.value == .null })
    }

    @Test func addsAListEntryWithUnknownDefaults() throws {
        let added = try amend("victims[2].ageBand", "under_12").get()
        #expect(added.fields.map(\.path) == ["victims[2].ageBand", "victims[2].sex"])
        #expect(added.fields.map(\.value) == [.string("under_12"), .string("unknown")])
        #expect(added.report.victims.count == 3 && added.report.involvesChild)
        #expect(messages("victims[5].sex", "male") == ["victims[5].sex: victims has 2 entries; to add one use victims[2]"])
    }

    @Test func refusesPathsThatAreNotAmendable() {
        #expect(messages("victims[0].identifiers.name", "Jane") ==
            ["victims[0].identifiers.name: identifiers are never stored, so they cannot be amended"])
        let unknown = messages("allegation.colour", "red")
        #expect(unknown.count == 1 && unknown[0].hasPrefix("allegation.colour: not a field that can be amended; use one of mission, channel"))
        #expect(messages("victims[x].sex", "male").count == 1)
    }

    @Test func theWholeDocumentIsValidatedSoCurrentProblemsShow() {
        let broken = Sample.setting(stored, ["incident", "area"], to: nil)
        guard case .failure(let errors) = Intake.validateAmendment(current: broken, path: "channel", rawValue: "email")
        else { Issue.record("amendment of an invalid document accepted"); return }
        #expect(errors.issues.map(\.path) == ["incident.area"])
    }
}
