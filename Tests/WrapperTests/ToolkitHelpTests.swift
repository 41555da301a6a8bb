import Testing
@testable import Toolkit

@Suite struct ToolkitHelpTests {
    @Test func helpForALeafCommandIsExact() {
        let outcome = ToolkitSampleSpec.parse(["report", "add", "--help"])
        #expect(outcome == .help("""
            OVERVIEW: Record a report from a JSON file.

            USAGE: fieldnode report add [--json] [--verbose] [--channel <channel>] [--set <path=value> ...] [--data-dir <dir>] <file> [<note>]

            ARGUMENTS:
              <file>                  The intake JSON file, or - for stdin.
              <note>                  A note for the hub.

            OPTIONS:
              -j, --json              Print the result as JSON.
              -v, --verbose           Say more.
              -c, --channel <channel> How the report came in.
              --set <path=value> ...  Set a field; repeat for more.
              --data-dir <dir>        Where the node keeps its data.
              -h, --help              Show help information.

            """))
    }

    @Test func helpForACommandWithSubcommandsListsThem() {
        let outcome = ToolkitSampleSpec.parse(["--help"])
        #expect(outcome == .help("""
            OVERVIEW: Record SEA reports offline and sync them to the mission hub.

            USAGE: fieldnode [--data-dir <dir>] <subcommand>

            OPTIONS:
              --data-dir <dir>        Where the node keeps its data.
              -h, --help              Show help information.

            SUBCOMMANDS:
              report                  Record, list and amend reports.
              sync                    Sync with the hub once.

              See 'fieldnode <subcommand> --help' for detailed help.

            """))
    }

    @Test func longLabelsDiscussionWrappingAndUsageOverride() {
        let root = CommandSpec(
            name: "tool", abstract: "Do a thing.",
            discussion: "First paragraph.\n\nSecond paragraph.",
            arguments: [
                .option("a-very-long-option-name", valueName: "value",
                        help: "This help is long enough that it has to wrap onto a second line at eighty columns."),
            ],
            usageOverride: "tool [options] <anything>")
        #expect(parseCommandLine(["-h"], root: root) == .help("""
            OVERVIEW: Do a thing.

            First paragraph.

            Second paragraph.

            USAGE: tool [options] <anything>

            OPTIONS:
              --a-very-long-option-name <value>
                                      This help is long enough that it has to wrap onto a
                                      second line at eighty columns.
              -h, --help              Show help information.

            """))
    }

    @Test func manyOptionsCollapseInTheSynopsis() {
        let arguments = (1...13).map { ArgumentSpec.flag("f\($0)", help: "") }
        let root = CommandSpec(name: "tool", abstract: "", arguments: arguments)
        guard case .help(let text) = parseCommandLine(["--help"], root: root) else {
            Issue.record("expected help")
            return
        }
        #expect(text.hasPrefix("USAGE: tool [<options>]\n\nOPTIONS:\n  --f1\n"))
    }
}
