import FieldModel
import JSON
import Testing

@Suite struct DocumentTests {
    private func flatFields(_ report: ReportIntake) -> [String: FieldValue] {
        Dictionary(uniqueKeysWithValues: report.fields().map { ($0.path, $0.value) })
    }

    private func flatSets(_ report: ReportIntake) -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: report.sets().map { ($0.path, $0.elements) })
    }

    @Test func canonicalJSONIsSanitizedAndOrdered() throws {
        let report = try Sample.valid()
        let text = JSON.encode(report.toJSON())
        #expect(text == #"{"mission":"MINUSCA","channel":"hotline","receivedAt":"2026-03-01T14:05:00+01:00","#
            + #""incident":{"date":"2026-02-27","dateApproximate":false,"area":"Bambari","coordinates":{"lat":5.76,"lon":20.67}},"#
            + #""allegation":{"types":["sexual_exploitation","transactional_sex"],"narrative":"Offered money for sex."},"#
            + #""victims":[{"ageBand":"15_17","sex":"female"},{"ageBand":"18_24","sex":"female"}],"#
            + #""alleged":[{"personnelCategory":"military_contingent","nationality":"unknown","unit":"North checkpoint"}],"#
            + #""needs":["medical_urgent","psychosocial"],"#
            + #""consent":{"shareWithInvestigators":true,"victimAssistanceReferral":true,"followUpContact":false}}"#)
    }

    @Test func identifiersAreNotKeptInAnyForm() throws {
        let with = try Sample.valid()
        let without = try Sample.valid(Sample.with([(["victims", 0, "identifiers"], nil)]))
        // Only what was derived under the linkage key differs: no identifier, in no form.
        #expect(with.toJSON() == without.toJSON())
        #expect(with.victims.first?.survivor != nil && without.victims.first?.survivor == nil)
        #expect(with.fields().map(\.path) == without.fields().map(\.path))
        for text in [String(reflecting: with), JSON.encode(with.toJSON()), "\(with.fields())"] {
            #expect(!text.contains("Jane") && !text.contains("Testperson") && !text.contains("70 12 34"))
            #expect(!text.contains("identifiers"))
        }
    }

    @Test func fieldPathsAreTheContractPaths() throws {
        let report = try Sample.valid(Sample.with([(["incident", "premises"], "Bar La Paix")]))
        #expect(report.fields().map(\.path) == [
            "mission", "channel", "receivedAt", "incident.date", "incident.dateApproximate", "incident.area",
            "incident.coordinates.lat", "incident.coordinates.lon", "incident.premises", "allegation.narrative",
            "victims[0].ageBand", "victims[0].sex", "victims[1].ageBand", "victims[1].sex",
            "alleged[0].personnelCategory", "alleged[0].nationality", "alleged[0].unit",
            "consent.shareWithInvestigators", "consent.victimAssistanceReferral", "consent.followUpContact",
        ])
        #expect(flatFields(report)["incident.coordinates.lat"] == .double(5.76))
        #expect(flatFields(report)["consent.followUpContact"] == .bool(false))
        #expect(report.sets().map(\.path) == ["allegation.types", "needs"])
        #expect(flatSets(report)["allegation.types"] == ["sexual_exploitation", "transactional_sex"])
        let range = try Sample.valid(Sample.with([(["incident", "date"], nil), (["incident", "dateFrom"], "2026-01-01"),
                                                  (["incident", "dateTo"], "2026-01-31")]))
        #expect(range.fields().map(\.path).filter { $0.hasPrefix("incident.date") } ==
            ["incident.dateFrom", "incident.dateTo", "incident.dateApproximate"])
    }

    @Test func assembleOfFieldsRoundTripsToTheCanonicalJSON() throws {
        let documents: [JSONValue] = [
            Sample.report,
            Sample.with([(["victims"], nil), (["alleged"], nil), (["needs"], nil), (["incident", "coordinates"], nil)]),
            Sample.with([(["incident", "date"], nil), (["incident", "dateFrom"], "2025-12-01"),
                         (["incident", "dateTo"], "2026-01-15"), (["incident", "premises"], "Hotel Oubangui")]),
        ]
        for document in documents {
            let report = try Sample.valid(document)
            let assembled = ReportDocument.assemble(fields: flatFields(report), sets: flatSets(report))
            #expect(assembled == report.toJSON())
            #expect(JSON.encode(assembled) == JSON.encode(report.toJSON()), "key order differs")
            // The same report, less the survivor codes (the canonical form has no identifiers).
            #expect(try Sample.valid(assembled).toJSON() == report.toJSON(), "the canonical form must validate to the same report")
        }
        for name in try Fixtures.names(prefix: "valid-") {
            let report = try Intake.validate(Fixtures.json(name), now: Fixtures.now, linkage: Sample.linkageKey).get()
            #expect(ReportDocument.assemble(fields: flatFields(report), sets: flatSets(report)) == report.toJSON(), "\(name)")
            // The stored form has no identifiers: the same report, without its survivor codes.
            let again = try Intake.validate(report.toJSON(), now: Fixtures.now, linkage: nil).get()
            #expect(again.toJSON() == report.toJSON() && again.victims.allSatisfy { $0.survivor == nil }, "\(name)")
        }
    }

    @Test func assembleLeavesOutNullsAndKeepsContainers() {
        let json = ReportDocument.assemble(
            fields: ["incident.premises": .null, "incident.area": .string("Bria"), "victims[1].sex": .string("male"),
                     "incident": .string("stray scalar")],
            sets: ["needs": ["shelter", "legal"]])
        #expect(json["incident"]?["premises"] == nil)
        #expect(json["incident"]?["area"] == "Bria")
        #expect(json["victims"]?.arrayValue?.count == 2)
        #expect(json["victims"]?[0] == .object(JSONObject()))
        #expect(json["needs"] == ["legal", "shelter"])
        #expect(json["alleged"] == [])
    }
}
