import Testing
@testable import Toolkit

/// A small fieldnode-like tree used by the parser and help tests.
enum ToolkitSampleSpec {
    static let globals: [ArgumentSpec] = [
        .option("data-dir", valueName: "dir", help: "Where the node keeps its data."),
    ]

    static let root = CommandSpec(
        name: "fieldnode",
        abstract: "Record SEA reports offline and sync them to the mission hub.",
        subcommands: [
            CommandSpec(name: "report", abstract: "Record, list and amend reports.", subcommands: [
                CommandSpec(name: "add", abstract: "Record a report from a JSON file.", arguments: [
                    .flag("json", short: "j", help: "Print the result as JSON."),
                    .flag("verbose", short: "v", help: "Say more."),
                    .option("channel", short: "c", valueName: "channel", help: "How the report came in."),
                    .repeatingOption("set", valueName: "path=value", help: "Set a field; repeat for more."),
                    .positional("file", help: "The intake JSON file, or - for stdin."),
                    .positional("note", optional: true, help: "A note for the hub."),
                ]),
                CommandSpec(name: "list", abstract: "List reports.", arguments: [
                    .flag("json", help: "Print JSON."),
                ]),
            ]),
            CommandSpec(name: "sync", abstract: "Sync with the hub once."),
        ])

    static func parse(_ args: [String]) -> ParseOutcome {
        parseCommandLine(args, root: root, globalOptions: globals)
    }

    static func command(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ParsedCommand {
        guard case .run(let command) = parse(args) else {
            Issue.record("expected .run for \(args), got \(parse(args))", sourceLocation: sourceLocation)
            throw ToolkitTestFailure()
        }
        return command
    }

    /// The first line of a usage error, or nil when the outcome is not a usage error.
    static func usageErrorLine(_ args: [String]) -> String? {
        guard case .usageError(let text) = parse(args) else { return nil }
        return text.split(separator: "\n").first.map(String.init)
    }
}

struct ToolkitTestFailure: Error {}

@Suite struct ToolkitParserTests {
    @Test func parsesSubcommandPathFlagsOptionsAndPositionals() throws {
        let command = try ToolkitSampleSpec.command(
            ["report", "add", "-j", "--channel", "hotline", "--set", "a=1", "--set=b=2", "in.json", "hello"])
        #expect(command.path == ["report", "add"])
        #expect(command.flag("json"))
        #expect(!command.flag("verbose"))
        #expect(command.option("channel") == "hotline")
        #expect(command.options("set") == ["a=1", "b=2"])
        #expect(command.option("set") == "b=2")
        #expect(command.positional("file") == "in.json")
        #expect(command.positional("note") == "hello")
        #expect(command.option("data-dir") == nil)
    }

    @Test func optionalPositionalMayBeOmitted() throws {
        let command = try ToolkitSampleSpec.command(["report", "add", "in.json"])
        #expect(command.positional("note") == nil)
        #expect(command.options("set") == [])
    }

    @Test(arguments: [
        ["--data-dir", "/d", "report", "list"],
        ["report", "--data-dir", "/d", "list"],
        ["report", "list", "--data-dir", "/d"],
        ["report", "list", "--data-dir=/d"],
    ])
    func globalOptionIsAcceptedAnywhere(args: [String]) throws {
        let command = try ToolkitSampleSpec.command(args)
        #expect(command.path == ["report", "list"])
        #expect(command.option("data-dir") == "/d")
    }

    @Test func equalsFormKeepsLaterEqualsSignsAndEmptyValues() throws {
        let command = try ToolkitSampleSpec.command(["report", "add", "--set=a=b=c", "--channel=", "f"])
        #expect(command.options("set") == ["a=b=c"])
        #expect(command.option("channel") == "")
    }

    @Test func groupedShortFlagsAndTrailingShortOption() throws {
        let command = try ToolkitSampleSpec.command(["report", "add", "-jvc", "walk_in", "f"])
        #expect(command.flag("json") && command.flag("verbose"))
        #expect(command.option("channel") == "walk_in")
    }

    @Test func doubleDashEndsOptions() throws {
        let command = try ToolkitSampleSpec.command(["report", "add", "--", "--json", "-h"])
        #expect(!command.flag("json"))
        #expect(command.positional("file") == "--json")
        #expect(command.positional("note") == "-h")
    }

    @Test func singleDashIsAPositional() throws {
        let command = try ToolkitSampleSpec.command(["report", "add", "-"])
        #expect(command.positional("file") == "-")
    }

    @Test func repeatedFlagIsHarmless() throws {
        let command = try ToolkitSampleSpec.command(["report", "list", "--json", "--json"])
        #expect(command.flag("json"))
    }

    @Test func rootWithoutSubcommandIsAUsageErrorListingThem() {
        #expect(ToolkitSampleSpec.usageErrorLine([])
            == "error: missing subcommand for 'fieldnode'; choose one of: report, sync")
        #expect(ToolkitSampleSpec.usageErrorLine(["--data-dir", "/x", "report"])
            == "error: missing subcommand for 'fieldnode report'; choose one of: add, list")
    }

    @Test func usageErrorCarriesUsageLineAndHelpPointer() {
        let outcome = ToolkitSampleSpec.parse(["report", "list", "--jsno"])
        #expect(outcome == .usageError("""
            error: unknown option '--jsno'; did you mean '--json'?
            Usage: fieldnode report list [--json] [--data-dir <dir>]
              See 'fieldnode report list --help' for more information.

            """))
    }

    @Test(arguments: [
        (["report", "list", "--frobnicate"], "error: unknown option '--frobnicate'"),
        (["report", "list", "--datadir", "/x"], "error: unknown option '--datadir'; did you mean '--data-dir'?"),
        (["report", "list", "--hepl"], "error: unknown option '--hepl'; did you mean '--help'?"),
        (["report", "list", "-x"], "error: unknown option '-x'"),
        (["report", "list", "-j"], "error: unknown option '-j'"),
        (["report", "ad"], "error: unknown subcommand 'ad' for 'fieldnode report'; did you mean 'add'?"),
        (["reprot"], "error: unknown subcommand 'reprot' for 'fieldnode'; did you mean 'report'?"),
        (["zzz"], "error: unknown subcommand 'zzz' for 'fieldnode'"),
        (["report", "list", "--data-dir"], "error: missing value for option '--data-dir <dir>'"),
        (["report", "list", "--data-dir", "--json"], "error: missing value for option '--data-dir <dir>'"),
        (["report", "add", "-c"], "error: missing value for option '--channel <channel>'"),
        (["report", "add", "-cj", "x", "f"], "error: option '-c' takes a value, so it must come last in '-cj'"),
        (["report", "add"], "error: missing argument '<file>'"),
        (["report", "add", "a", "b", "c"], "error: unexpected argument 'c'"),
        (["report", "list", "stray"], "error: unexpected argument 'stray'"),
        (["sync", "--", "x"], "error: unexpected argument 'x'"),
        (["report", "list", "--json=yes"], "error: flag '--json' does not take a value"),
        (["--data-dir", "/a", "report", "list", "--data-dir", "/b"],
         "error: option '--data-dir' was given more than once; give it once"),
        (["report", "add", "-c", "a", "--channel=b", "f"],
         "error: option '--channel' was given more than once; give it once"),
        // Options of a subcommand are not accepted before the subcommand is named.
        (["report", "--json", "list"], "error: unknown option '--json'"),
    ])
    func usageErrorsNameTheProblem(args: [String], expected: String) {
        #expect(ToolkitSampleSpec.usageErrorLine(args) == expected)
    }

    @Test func helpWinsOverOtherMistakesAndPicksTheDeepestCommand() {
        guard case .help(let reportHelp) = ToolkitSampleSpec.parse(["report", "--bogus", "--help"]) else {
            Issue.record("expected help")
            return
        }
        #expect(reportHelp.hasPrefix("OVERVIEW: Record, list and amend reports."))
        guard case .help(let listHelp) = ToolkitSampleSpec.parse(["-h", "report", "list"]) else {
            Issue.record("expected help")
            return
        }
        #expect(listHelp.hasPrefix("OVERVIEW: List reports."))
        guard case .help(let groupedHelp) = ToolkitSampleSpec.parse(["report", "add", "-jh"]) else {
            Issue.record("expected help")
            return
        }
        #expect(groupedHelp.hasPrefix("OVERVIEW: Record a report from a JSON file."))
        #expect(ToolkitSampleSpec.parse(["report", "add", "f", "--", "--help"]) != .help(groupedHelp))
    }

    @Test func editDistanceCountsSwapsAsOne() {
        #expect(EditDistance.distance("json", "jsno") == 1)
        #expect(EditDistance.distance("", "abc") == 3)
        #expect(EditDistance.distance("kitten", "sitting") == 3)
        #expect(EditDistance.closest(to: "--x", among: ["--json"]) == nil)
    }

    @Test func specProblemsAreDetected() {
        let clash = CommandSpec(name: "t", abstract: "", arguments: [.flag("help", help: "")])
        #expect(clash.specProblem(globals: []) != nil)
        let twice = CommandSpec(name: "t", abstract: "", arguments: [.flag("a", help: "")])
        #expect(twice.specProblem(globals: [.flag("a", help: "")]) != nil)
        let order = CommandSpec(name: "t", abstract: "", arguments: [
            .positional("a", optional: true, help: ""), .positional("b", help: ""),
        ])
        #expect(order.specProblem(globals: []) != nil)
        #expect(ToolkitSampleSpec.root.specProblem(globals: ToolkitSampleSpec.globals) == nil)
    }
}
