import FieldModel
import JSON
import Scrub

/// The narrative is scrubbed of identifiers on the laptop before a report is stored (issue 16,
/// Protocols/sync-v1.md §19.2): every path that takes a narrative (`report add`, `report new`,
/// `report amend`) passes it through here before the intake is handed to `ReportWriter`.
///
/// The victim's identifiers (`victims[].identifiers`) are read from the intake document only to
/// match them in the narrative; `Intake.validate` drops them and nothing here keeps them.
enum NarrativeScrubbing {
    /// The identifiers given for each victim of an intake document (nothing for a victim
    /// without them, or for a document that is not an object).
    static func identifiers(in document: JSONValue) -> [PersonIdentifiers] {
        (document["victims"]?.arrayValue ?? []).compactMap { victim in
            guard let given = victim["identifiers"] else { return nil }
            let person = PersonIdentifiers(name: given["name"]?.stringValue, phone: given["phone"]?.stringValue,
                                           dateOfBirth: given["dateOfBirth"]?.stringValue)
            return person == PersonIdentifiers() ? nil : person
        }
    }

    /// The identifiers of the raw intake `bytes` (already accepted by `Intake.parse`).
    static func identifiers(inIntake bytes: [UInt8]) -> [PersonIdentifiers] {
        guard let document = try? JSON.parse(bytes, limits: JSONLimits(maxBytes: Intake.maxBytes)) else { return [] }
        return identifiers(in: document)
    }

    /// `report` with its narrative scrubbed, and what was replaced.
    static func scrub(_ report: ReportIntake, identifiers: [PersonIdentifiers], now: String) throws
        -> (report: ReportIntake, result: ScrubResult) {
        let result = NarrativeScrubber(identifiers: identifiers).scrub(report.allegation.narrative)
        if result.replacements.isEmpty { return (report, result) }
        return (try replacingNarrative(report, with: result.text, now: now), result)
    }

    /// `report` with `narrative` in place of its own, validated again like every intake (a
    /// placeholder can make a narrative at the length limit too long).
    static func replacingNarrative(_ report: ReportIntake, with narrative: String, now: String) throws -> ReportIntake {
        let flat = ReportDocument.flatten(report.toJSON())
        var fields = Dictionary(flat.fields.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
        fields["allegation.narrative"] = .string(narrative)
        let sets = Dictionary(flat.sets.map { ($0.path, $0.elements) }, uniquingKeysWith: { $1 })
        // The stored form holds no identifiers, so no linkage key is needed; the survivor links
        // derived from them at parse time are carried over.
        switch Intake.validate(ReportDocument.assemble(fields: fields, sets: sets), now: now, linkage: nil) {
        case .success(let scrubbed):
            return scrubbed.keepingSurvivorLinks(of: report)
        case .failure(let errors):
            throw NodeError.user("the scrubbed narrative is not accepted:", details: errors.issues.map { $0.description },
                                 hint: "shorten the narrative and run the command again; nothing was saved")
        }
    }

    /// For the operator, on standard error: what the scrubber replaced (kinds and counts only).
    static func note(_ result: ScrubResult, context: NodeContext) {
        guard !result.replacements.isEmpty else { return }
        context.note("narrative scrubbed before saving: \(result.summary)")
    }
}
