import FieldModel
import Foundation
import JSON
import Scrub
import Toolkit

/// Input ended (EOF, Ctrl-D) before the report was complete.
struct InterviewCancelled: Error {}

/// The questions of `report new`, asked one at a time, for an operator on a call.
///
/// The answers are kept in the flat per-field form the store uses; each typed answer is checked
/// by validating the whole draft with `Intake.validate` (placeholders stand in for what has not
/// been asked yet) and keeping only the issues of the field just asked, so the operator gets
/// exactly the intake's messages, and only that one question is asked again. Enumerations are
/// numbered choices and cannot be wrong.
final class ReportInterview {
    private let prompter: Prompter
    private let input: ByteInput
    private let nodeMission: String
    private let now: String
    private var fields: [String: FieldValue]
    private var sets: [String: [String]] = ["allegation.types": ["other_misconduct"], "needs": []]
    /// What the caller gave of each victim's name, phone and date of birth: only for scrubbing
    /// the narrative (`NarrativeScrubbing`), never in the draft, never stored.
    private(set) var identifiers: [PersonIdentifiers] = []

    init(prompter: Prompter, input: ByteInput, nodeMission: String, now: String) {
        self.prompter = prompter
        self.input = input
        self.nodeMission = nodeMission
        self.now = now
        // Valid placeholders, each replaced by its answer.
        fields = ["mission": .string(nodeMission), "channel": .string("other"), "receivedAt": .string(now),
                  "incident.area": .string("-"), "allegation.narrative": .string("-"),
                  "consent.shareWithInvestigators": .bool(false), "consent.victimAssistanceReferral": .bool(false),
                  "consent.followUpContact": .bool(false)]
    }

    /// Asks every question and returns the validated report.
    /// - Throws: `InterviewCancelled` when input ends.
    func run() throws -> ReportIntake {
        try askMission()
        fields["channel"] = .string(try choose("How did the report come in?", Channel.self))
        try askReceivedAt()
        try askIncident()
        try askAllegation()
        try askVictims()
        try askAlleged()
        sets["needs"] = try chooseMany("What assistance does the survivor need?", Need.self, required: false)
        prompter.say("Consent: ask the survivor each question and record the answer.")
        fields["consent.shareWithInvestigators"] = .bool(try confirm("Does the survivor agree to share the report with investigators?"))
        fields["consent.victimAssistanceReferral"] = .bool(try confirm("Does the survivor agree to be referred for victim assistance?"))
        fields["consent.followUpContact"] = .bool(try confirm("Does the survivor agree to be contacted again for follow-up?"))
        // The interview asks no identifiers (they come only through `report add`): no key needed.
        switch Intake.validate(ReportDocument.assemble(fields: fields, sets: sets), now: now, linkage: nil) {
        case .success(let report):
            return report
        case .failure(let errors):
            throw NodeError.user("the report is not complete:", details: errors.issues.map(\.description),
                                 hint: "run 'fieldnode report new' again; nothing was saved")
        }
    }

    // MARK: Questions

    private func askMission() throws {
        try askValidated("Mission", default: nodeMission, paths: ["mission"]) { answer in
            fields["mission"] = .string(answer)
            if answer != nodeMission, Intake.isMissionCode(answer) {
                return ["this node records reports for mission \(nodeMission) only"]
            }
            return nil
        }
    }

    private func askReceivedAt() throws {
        try askValidated("When was the report received? (e.g. 2026-03-01T14:05:00+01:00; Enter for now)",
                         default: now, paths: ["receivedAt"]) { answer in
            fields["receivedAt"] = .string(answer)
            return nil
        }
    }

    private func askIncident() throws {
        try askValidated("Date of the incident (YYYY-MM-DD, or FROM..TO for a range; Enter if not known)",
                         default: nil, paths: ["incident.date", "incident.dateFrom", "incident.dateTo"]) { answer in
            for key in ["incident.date", "incident.dateFrom", "incident.dateTo"] { fields[key] = nil }
            let parts = answer.components(separatedBy: "..")
            if parts.count == 2 {
                fields["incident.dateFrom"] = .string(parts[0].trimmingCharacters(in: .whitespaces))
                fields["incident.dateTo"] = .string(parts[1].trimmingCharacters(in: .whitespaces))
            } else if !answer.isEmpty {
                fields["incident.date"] = .string(answer)
            }
            return nil
        }
        let hasDate = fields["incident.date"] != nil || fields["incident.dateFrom"] != nil
        fields["incident.dateApproximate"] = .bool(hasDate ? try confirm("Is that date approximate?", default: false) : false)
        try askValidated("Locality of the incident (town, village or camp)", default: nil, paths: ["incident.area"]) { answer in
            fields["incident.area"] = .string(answer)
            return nil
        }
        try askValidated("Premises (bar, hotel, house), if named (Enter to skip)", default: nil, paths: ["incident.premises"]) { answer in
            fields["incident.premises"] = answer.isEmpty ? nil : .string(answer)
            return nil
        }
        try askValidated("Coordinates as LAT,LON, stored coarsened to about 1 km (Enter to skip)", default: nil,
                         paths: ["incident.coordinates"]) { answer in
            fields["incident.coordinates.lat"] = nil
            fields["incident.coordinates.lon"] = nil
            if answer.isEmpty { return nil }
            let parts = answer.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let lat = Double(parts[0]), let lon = Double(parts[1]),
                  lat.isFinite, lon.isFinite else {
                return ["\"\(answer)\" is not LAT,LON; type two decimal numbers separated by a comma, e.g. 4.36,18.56"]
            }
            fields["incident.coordinates.lat"] = .double(lat)
            fields["incident.coordinates.lon"] = .double(lon)
            return nil
        }
    }

    private func askAllegation() throws {
        sets["allegation.types"] = try chooseMany("What is alleged? (one or more)", AllegationType.self, required: true)
        while true {
            prompter.say("What happened, in the reporter's words? Names, phone numbers, addresses and the like are "
                         + "replaced by placeholders before saving; you will see the result.")
            fields["allegation.narrative"] = .string(try readNarrative())
            let problems = issues(at: ["allegation.narrative"])
            if problems.isEmpty { return }
            for problem in problems { prompter.say("not accepted: \(problem); type the narrative again") }
        }
    }

    /// Lines up to one holding only a dot, joined with line breaks.
    /// - Throws: `InterviewCancelled` when input ends.
    func readNarrative() throws -> String {
        prompter.say("End with a line containing only a dot (.).")
        var lines: [String] = []
        while true {
            guard let line = input.readLine() else { throw InterviewCancelled() }
            if line.trimmingCharacters(in: .whitespaces) == "." { break }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Whatever the caller gave of the victim's identifiers, to find them in the narrative.
    private func askIdentifiers(_ number: Int) throws {
        guard try confirm("Victim \(number): did the caller give a name, phone number or date of birth? "
                          + "(used only to remove them from the narrative, never stored)", default: false) else { return }
        func optional(_ question: String) throws -> String? {
            guard let answer = prompter.ask("Victim \(number): \(question) (Enter to skip)") else { throw InterviewCancelled() }
            return answer.isEmpty ? nil : answer
        }
        let person = PersonIdentifiers(name: try optional("name"), phone: try optional("phone number"),
                                       dateOfBirth: try optional("date of birth"))
        if person != PersonIdentifiers() { identifiers.append(person) }
    }

    private func askVictims() throws {
        var index = 0
        while index < Intake.maxPeople,
              try confirm(index == 0 ? "Add a victim?" : "Add another victim?", default: false) {
            fields["victims[\(index)].ageBand"] = .string(try choose("Victim \(index + 1): age at the time of the incident", AgeBand.self))
            fields["victims[\(index)].sex"] = .string(try choose("Victim \(index + 1): sex", Sex.self))
            try askIdentifiers(index + 1)
            index += 1
        }
    }

    private func askAlleged() throws {
        var index = 0
        while index < Intake.maxPeople,
              try confirm(index == 0 ? "Add an alleged perpetrator?" : "Add another alleged perpetrator?", default: false) {
            let path = "alleged[\(index)]"
            fields["\(path).personnelCategory"] = .string(try choose("Alleged perpetrator \(index + 1): who is it?", PersonnelCategory.self))
            fields["\(path).nationality"] = .string("unknown")
            try askValidated("Nationality (ISO 3166 alpha-3 code, e.g. FRA)", default: "unknown", paths: ["\(path).nationality"]) { answer in
                fields["\(path).nationality"] = .string(answer.uppercased() == "UNKNOWN" ? "unknown" : answer.uppercased())
                return nil
            }
            try askValidated("Unit, contingent or office, if known (Enter to skip)", default: nil, paths: ["\(path).unit"]) { answer in
                fields["\(path).unit"] = answer.isEmpty ? nil : .string(answer)
                return nil
            }
            index += 1
        }
    }

    // MARK: Asking

    /// Asks until `record` (which stores the answer in the draft) and the intake's validation
    /// of `paths` both accept the answer. `record` returns its own problems, or nil.
    private func askValidated(_ question: String, default defaultValue: String?, paths: [String],
                              _ record: (String) -> [String]?) throws {
        while true {
            guard let answer = prompter.ask(question, default: defaultValue) else { throw InterviewCancelled() }
            let problems = record(answer) ?? issues(at: paths)
            if problems.isEmpty { return }
            for problem in problems { prompter.say("not accepted: \(problem)") }
        }
    }

    /// The intake's messages about `paths` (and anything below them) for the current draft.
    private func issues(at paths: [String]) -> [String] {
        guard case .failure(let errors) = Intake.validate(ReportDocument.assemble(fields: fields, sets: sets), now: now, linkage: nil) else {
            return []
        }
        return errors.issues.filter { issue in
            paths.contains { issue.path == $0 || issue.path.hasPrefix($0 + ".") || issue.path.hasPrefix($0 + "[") }
        }.map(\.message)
    }

    private func choose<E: WireEnum>(_ question: String, _ type: E.Type) throws -> String {
        let options = E.allCases.map { (value: $0.rawValue, label: $0.label) }
        guard let chosen = prompter.choose(question, options: options), let first = chosen.first else {
            throw InterviewCancelled()
        }
        return options[first].value
    }

    private func chooseMany<E: WireEnum>(_ question: String, _ type: E.Type, required: Bool) throws -> [String] {
        let options = E.allCases.map { (value: $0.rawValue, label: $0.label) }
        while true {
            guard let chosen = prompter.choose(question, options: options, allowMultiple: true) else {
                throw InterviewCancelled()
            }
            if required, chosen.isEmpty {
                prompter.say("choose at least one; use \(AllegationType.otherMisconduct.label) if none fits")
                continue
            }
            return chosen.map { options[$0].value }
        }
    }

    private func confirm(_ question: String, default defaultValue: Bool? = nil) throws -> Bool {
        guard let answer = prompter.confirm(question, default: defaultValue) else { throw InterviewCancelled() }
        return answer
    }
}
