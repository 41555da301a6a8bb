import Foundation
import Testing
@testable import Toolkit

/// Scripted input lines and the captured output of a `Prompter`.
final class ToolkitPromptScript {
    private var lines: [String]
    private(set) var output = ""

    init(_ lines: [String]) {
        self.lines = lines
    }

    lazy var prompter = Prompter(
        nextLine: { [unowned self] in lines.isEmpty ? nil : lines.removeFirst() },
        write: { [unowned self] in output += $0 })
}

@Suite struct ToolkitPrompterTests {
    private static let channels: [(value: String, label: String)] = [
        ("hotline", "Hotline call"), ("walk_in", "Walk-in"), ("community_focal_point", "Community focal point"),
        ("ngo_referral", "NGO referral"), ("staff_report", "Staff report"), ("email", "Email"), ("other", "Other"),
    ]

    @Test func askTrimsAndFallsBackToTheDefault() {
        let script = ToolkitPromptScript(["  Bangui  ", "", ""])
        #expect(script.prompter.ask("Locality") == "Bangui")
        #expect(script.prompter.ask("Mission", default: "MINUSCA") == "MINUSCA")
        #expect(script.prompter.ask("Unit") == "")
        #expect(script.prompter.ask("Anything else") == nil)
        #expect(script.output == "Locality: Mission [MINUSCA]: Unit: Anything else: \n")
    }

    @Test func chooseOneShowsNumberedChoicesAndReasksOnBadInput() {
        let script = ToolkitPromptScript(["9", "", "2 5", "abc", "2"])
        #expect(script.prompter.choose("Channel", options: Self.channels) == [1])
        #expect(script.output == """
            Channel:
              1) Hotline call
              2) Walk-in
              3) Community focal point
              4) NGO referral
              5) Staff report
              6) Email
              7) Other
            Type a number from 1 to 7: "9" is not a choice; type a number from 1 to 7
            Type a number from 1 to 7: nothing chosen; type a number from 1 to 7
            Type a number from 1 to 7: choose only one; type a number from 1 to 7
            Type a number from 1 to 7: "abc" is not a choice; type a number from 1 to 7
            Type a number from 1 to 7: 
            """)
    }

    @Test(arguments: [
        ("2,5", [1, 4]),
        ("2 5", [1, 4]),
        (" 5, 2 ,5 ", [4, 1]),
        ("EMAIL other", [5, 6]),
        ("", []),
    ])
    func chooseManyAcceptsCommasSpacesAndValues(answer: String, expected: [Int]) {
        let script = ToolkitPromptScript([answer])
        #expect(script.prompter.choose("Channels", options: Self.channels, allowMultiple: true) == expected)
    }

    @Test func chooseManyRejectsTheWholeAnswerIfOnePartIsBad() {
        let script = ToolkitPromptScript(["1, 0", "1 8", "3"])
        #expect(script.prompter.choose("Needs", options: Self.channels, allowMultiple: true) == [2])
        #expect(script.output.contains("\"0\" is not a choice; type a number from 1 to 7\n"))
        #expect(script.output.contains("\"8\" is not a choice; type a number from 1 to 7\n"))
    }

    @Test func chooseReturnsNilAtEndOfInput() {
        let script = ToolkitPromptScript(["x"])
        #expect(script.prompter.choose("Channel", options: Self.channels) == nil)
    }

    @Test func confirmAcceptsYesNoAndDefaults() {
        let script = ToolkitPromptScript(["YES", "n", "maybe", "", "y", "", ""])
        #expect(script.prompter.confirm("Share with investigators?") == true)
        #expect(script.prompter.confirm("Refer for assistance?") == false)
        #expect(script.prompter.confirm("Follow-up contact?") == true)
        #expect(script.prompter.confirm("Urgent?", default: false) == false)
        #expect(script.prompter.confirm("Child involved?", default: true) == true)
        #expect(script.prompter.confirm("Again?") == nil)
        #expect(script.output.contains("Follow-up contact? [y/n]: \"maybe\" is not an answer; type y or n\n"
            + "Follow-up contact? [y/n]: Type y or n\nFollow-up contact? [y/n]: "))
        #expect(script.output.contains("Urgent? [y/N]: Child involved? [Y/n]: "))
    }

    @Test func fileHandleInputReadsLineByLine() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = SystemCall.writeAll("first\r\nsecond\nlast", to: fds[1])
        close(fds[1])
        defer { close(fds[0]) }
        #expect(Prompter.readLine(from: fds[0]) == "first")
        #expect(Prompter.readLine(from: fds[0]) == "second")
        #expect(Prompter.readLine(from: fds[0]) == "last")
        #expect(Prompter.readLine(from: fds[0]) == nil)
    }
}
