import FieldModel
import JSON
import Linkage
import Testing

/// `victims[].identifiers` at intake (issue 16): turned into survivor codes under the linkage
/// key, refused without one, each unusable part named without quoting it.
@Suite struct IdentifierIntakeTests {
    static func document(_ identifiers: JSONValue) -> JSONValue {
        Sample.setting(Sample.report, [.key("victims"), .index(0), .key("identifiers")], to: identifiers)
    }

    @Test func identifiersBecomeCodesAndAnEncodingUnderTheKey() throws {
        let doc = Self.document(["name": "Awa Traoré", "phone": "+223 76 12 34 56", "dateOfBirth": "1990"])
        let report = try Intake.validate(doc, now: Sample.now, linkage: Sample.linkageKey).get()
        let survivor = try #require(report.victims.first?.survivor)
        let expected = try SurvivorIdentifiers.normalize(name: "TRAORE Awa", phone: "76123456", dateOfBirth: "1990").get()
        #expect(survivor == SurvivorLink(expected, key: Sample.linkageKey))
        #expect(survivor.codes.nameAndBirth != nil && survivor.codes.nameAndPhone != nil)
        // Nothing of the identifiers is in the stored form.
        let stored = JSON.encode(report.toJSON())
        #expect(!stored.contains("Awa") && !stored.contains("76 12") && !stored.contains("1990") && !stored.contains("identifiers"))
    }

    @Test func withoutAKeyIdentifiersAreRefusedWithoutQuotingThem() {
        let doc = Self.document(["name": "Awa Traoré", "phone": "+223 76 12 34 56"])
        guard case .failure(let errors) = Intake.validate(doc, now: Sample.now, linkage: nil) else {
            Issue.record("a report with identifiers was accepted without a linkage key")
            return
        }
        #expect(errors.issues.map(\.code) == [.noLinkageKey])
        #expect(errors.issues.first?.path == "victims[0].identifiers")
        #expect(!errors.description.contains("Awa") && !errors.description.contains("76"))
    }

    @Test func emptyIdentifiersNeedNoKeyAndGiveNoCode() throws {
        let report = try Intake.validate(Self.document([:]), now: Sample.now, linkage: nil).get()
        #expect(report.victims.first?.survivor == nil)
    }

    @Test func unusablePartsAreNamedNotQuoted() {
        let doc = Self.document(["name": "'-'", "phone": "12 34", "dateOfBirth": "30 ans"])
        let issues = Sample.issues(doc)
        #expect(issues.map(\.path) == ["victims[0].identifiers.name", "victims[0].identifiers.phone", "victims[0].identifiers.dateOfBirth"])
        #expect(issues.allSatisfy { $0.code == .badFormat })
        #expect(!issues.map(\.description).joined().contains("12 34") && !issues.map(\.description).joined().contains("30 ans"))
    }
}
