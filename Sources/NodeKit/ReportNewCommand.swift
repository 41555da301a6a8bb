import FieldModel
import Scrub
import Toolkit

/// `fieldnode report new`: records a report by asking the operator question by question.
/// The narrative is scrubbed (`NarrativeScrubbing`, with the identifiers the caller gave) and
/// shown in the summary as it will be stored; the operator keeps it or types it again as it
/// should be stored. Nothing is written until the operator has seen the summary and confirmed;
/// at end of input or Ctrl-C before that, nothing is written and the command says so.
enum ReportNewCommand {
    static let cancelled = NodeError(.cancelled, "cancelled; nothing was saved")

    static func run(_ context: NodeContext) throws {
        let format = context.outputFormat()
        let node = try context.openNode()
        _ = try node.requireMissionFile()  // refuse before the questions, not after them
        let guarded = context.input.isProcessStandardInput
        if guarded { InterruptGuard.install() }
        defer { if guarded { InterruptGuard.remove() } }
        let prompter = Prompter(nextLine: { [input = context.input] in input.readLine() },
                                write: { [errors = context.errorOutput] in errors.write($0) })
        prompter.say("New report for mission \(node.mission). Press Enter to accept a [default]; "
                     + "Ctrl-D or Ctrl-C cancels, and nothing is saved until you confirm at the end.")
        let interview = ReportInterview(prompter: prompter, input: context.input, nodeMission: node.mission,
                                        now: context.nowRFC3339)
        var report: ReportIntake
        do {
            let answered = try interview.run()
            let scrubbed = try NarrativeScrubbing.scrub(answered, identifiers: interview.identifiers, now: context.nowRFC3339)
            report = scrubbed.report
            prompter.say("")
            prompter.say(summary(report))
            prompter.say("The narrative above is as it will be stored: \(scrubbed.result.summary)"
                         + (scrubbed.result.replacements.isEmpty ? "." : " (shown as [NAME], [PHONE] …)."))
            while true {
                guard let keep = prompter.confirm("Keep the narrative as shown? (n: type it as it should be stored)",
                                                  default: true) else { throw cancelled }
                if keep { break }
                prompter.say("Type the narrative as it should be stored; it is saved as you type it.")
                do {
                    report = try NarrativeScrubbing.replacingNarrative(report, with: try interview.readNarrative(),
                                                                       now: context.nowRFC3339)
                } catch let error as NodeError {
                    prompter.say("not accepted: \(error.message); the narrative is unchanged")
                }
                prompter.say("The narrative as it will be stored:\n" + report.allegation.narrative)
            }
        } catch is InterviewCancelled {
            throw context.input.readError.map(inputFailed) ?? cancelled
        }
        guard let save = prompter.confirm("Save this report?", default: false) else { throw cancelled }
        guard save else { throw cancelled }
        if guarded { InterruptGuard.remove() }
        let saved = try ReportWriter.create(report, in: node)
        ReportAddCommand.printSaved(saved, format: format, context: context)
    }

    /// What will be stored, field by field, with the derived values.
    static func summary(_ report: ReportIntake) -> String {
        var lines = StoredReport.displayLines(report.toJSON())
        lines.append(("category", "\(report.category)"))
        lines.append(("involves a child", report.involvesChild ? "yes" : "no"))
        lines.append(("age undetermined", report.ageUndetermined ? "yes" : "no"))
        return "This is what will be stored (coordinates coarsened to about 1 km; no names, phone numbers "
            + "or dates of birth):\n" + ReportShowCommand.aligned(lines.map { ("  " + $0.0, $0.1) })
    }

    private static func inputFailed(_ error: InputError) -> NodeError {
        .user("cannot read the answers: \(error); nothing was saved")
    }
}
