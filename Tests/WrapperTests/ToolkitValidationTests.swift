import Testing
@testable import Toolkit

/// Required options, value rules, constraints and `--version`: declared in the spec, checked by
/// the parser before anything runs.
enum ToolkitValidationSpec {
    static let mission = ValueRule(noun: "a mission code", hint: "write capital letters, such as MINUSCA") {
        !$0.isEmpty && $0.allSatisfy(\.isUppercase)
    }

    static let root = CommandSpec(
        name: "hub", abstract: "A hub.",
        subcommands: [
            CommandSpec(name: "init", abstract: "Create the store.", arguments: [
                .option("mission", valueName: "code", required: true, rule: mission, help: "The mission code."),
                .option("expires", valueName: "lifetime",
                        rule: .duration(.seconds(60) ... .seconds(86_400), noun: "a lifetime", example: "2h"), help: "How long."),
                .option("output", valueName: "format", rule: .choices(["text", "json"], noun: "an output format"), help: "Format."),
                .repeatingOption("set", valueName: "path=value", required: true, help: "A change."),
            ]),
            CommandSpec(name: "serve", abstract: "Serve.", arguments: [
                .option("listen", valueName: "host:port", help: "TCP."),
                .option("unix", valueName: "path", rule: .absolutePath(example: "/run/hub.sock"), help: "A socket."),
                .option("count", valueName: "n", rule: .integer(1...9, noun: "a count"), help: "How many."),
            ], constraints: [.exclusive(["listen", "unix"])]),
            CommandSpec(name: "release", abstract: "Release.", arguments: [
                .flag("all", help: "Everything."),
                .positional("node", optional: true, rule: ValueRule(noun: "a node name", hint: "write letters") { $0.allSatisfy(\.isLetter) },
                            help: "One node."),
            ], constraints: [.exactlyOne(["node", "all"])]),
        ],
        version: "hub 9.9.9 (protocol 1)")

    static func parse(_ args: [String]) -> ParseOutcome {
        parseCommandLine(args, root: root, globalOptions: [.option("data-dir", valueName: "dir", help: "Data.")])
    }

    /// The error and hint lines of a usage error, without the usage line; nil for another outcome.
    static func problem(_ args: [String]) -> String? {
        guard case .usageError(let text) = parse(args) else { return nil }
        return text.split(separator: "\n").prefix { !$0.hasPrefix("Usage: ") }.joined(separator: "\n")
    }
}

@Suite struct ToolkitValidationTests {
    let set = ["--set", "a=1"]

    @Test func requiredOptionsShowWithoutBracketsAndTheirAbsenceIsAUsageError() throws {
        guard case .help(let help) = ToolkitValidationSpec.parse(["init", "--help"]) else {
            Issue.record("expected help")
            return
        }
        #expect(help.contains("USAGE: hub init --mission <code> [--expires <lifetime>] [--output <format>] --set <path=value> ... [--data-dir <dir>]\n"))
        #expect(ToolkitValidationSpec.problem(["init"] + set) == """
            error: missing option '--mission <code>'
            hint: give --mission <code>: the mission code
            """)
        #expect(ToolkitValidationSpec.problem(["init", "--mission", "X"]) == """
            error: missing option '--set <path=value>'
            hint: give --set <path=value>: a change
            """)
        #expect(ToolkitValidationSpec.problem(["init", "--mission="] + set) == "error: missing value for option '--mission <code>'")
        guard case .usageError(let text) = ToolkitValidationSpec.parse(["init"] + set) else {
            Issue.record("expected a usage error")
            return
        }
        #expect(text.hasSuffix("""
            Usage: hub init --mission <code> [--expires <lifetime>] [--output <format>] --set <path=value> ... [--data-dir <dir>]
              See 'hub init --help' for more information.

            """))
        guard case .run(let command) = ToolkitValidationSpec.parse(["init", "--mission", "X", "--set", "a=1", "--set", "b=2"]) else {
            Issue.record("expected run")
            return
        }
        #expect(command.option("mission") == "X" && command.options("set") == ["a=1", "b=2"])
    }

    @Test(arguments: [
        (["init", "--mission", "minusca"], "error: 'minusca' for '--mission <code>' is not a mission code\nhint: write capital letters, such as MINUSCA"),
        (["init", "--mission", "X", "--expires", "30s"],
         "error: '30s' for '--expires <lifetime>' is not a lifetime\nhint: write a number and a unit s, m, h or d, from 1m to 1d, such as 2h"),
        (["init", "--mission", "X", "--expires=2 h"],
         "error: '2 h' for '--expires <lifetime>' is not a lifetime\nhint: write a number and a unit s, m, h or d, from 1m to 1d, such as 2h"),
        (["init", "--mission", "X", "--output", "yaml"], "error: 'yaml' for '--output <format>' is not an output format\nhint: write text or json"),
        (["serve", "--unix", "hub.sock"], "error: 'hub.sock' for '--unix <path>' is not an absolute path\nhint: give the full path, such as /run/hub.sock"),
        (["serve", "--count", "0"], "error: '0' for '--count <n>' is not a count\nhint: write a whole number from 1 to 9"),
        (["serve", "--count", "+3"], "error: '+3' for '--count <n>' is not a count\nhint: write a whole number from 1 to 9"),
        (["serve", "--listen", "a:1", "--unix", "/x"], "error: give either --listen <host:port> or --unix <path>, not both"),
        (["release"], "error: give <node> or --all"),
        (["release", "n1!"], "error: 'n1!' for '<node>' is not a node name\nhint: write letters"),
        (["release", "nodeone", "--all"], "error: give either <node> or --all, not both"),
    ])
    func badValuesAndCombinationsAreUsageErrorsThatSayWhatToWrite(args: [String], expected: String) {
        #expect(ToolkitValidationSpec.problem(args + (args.first == "init" ? ["--set", "a=1"] : [])) == expected)
    }

    @Test func goodValuesRunAndTypedReadsAgree() throws {
        guard case .run(let command) = ToolkitValidationSpec.parse(["init", "--mission", "X", "--expires", "90m", "--output", "json"] + set) else {
            Issue.record("expected run")
            return
        }
        #expect(command.duration("expires") == .seconds(5400))
        #expect(ToolkitValidationSpec.problem(["release", "--all"]) == nil)
        #expect(ToolkitValidationSpec.problem(["release", "nodeone"]) == nil)
        #expect(ToolkitValidationSpec.problem(["serve", "--unix", "/run/x.sock", "--count", "9"]) == nil)
    }

    @Test func helpWinsOverABadValue() {
        guard case .help(let text) = ToolkitValidationSpec.parse(["init", "--mission", "bad", "-h"]) else {
            Issue.record("expected help")
            return
        }
        #expect(text.hasPrefix("OVERVIEW: Create the store."))
    }

    @Test func versionIsARootOptionOnly() {
        #expect(ToolkitValidationSpec.parse(["--version"]) == .version("hub 9.9.9 (protocol 1)\n"))
        #expect(ToolkitValidationSpec.parse(["--data-dir", "/d", "--version"]) == .version("hub 9.9.9 (protocol 1)\n"))
        #expect(ToolkitValidationSpec.problem(["serve", "--version"]) == "error: unknown option '--version'")
        #expect(ToolkitValidationSpec.problem(["--versoin"]) == "error: unknown option '--versoin'; did you mean '--version'?")
        guard case .help(let rootHelp) = ToolkitValidationSpec.parse(["--help", "--version"]) else {
            Issue.record("expected help")
            return
        }
        #expect(rootHelp.contains("  -h, --help              Show help information.\n  --version               Show the version.\n"))
        guard case .help(let serveHelp) = ToolkitValidationSpec.parse(["serve", "--help"]) else {
            Issue.record("expected help")
            return
        }
        #expect(!serveHelp.contains("--version"))
        // A root without a version has no --version.
        #expect(ToolkitSampleSpec.usageErrorLine(["--version"]) == "error: unknown option '--version'")
    }

    @Test func specProblemsOfRequirementsAndConstraintsAreDetected() {
        #expect(ToolkitValidationSpec.root.specProblem(globals: []) == nil)
        let requiredFlag = CommandSpec(name: "t", abstract: "", arguments: [ArgumentSpec(name: "a", help: "", kind: .flag, isRequired: true)])
        #expect(requiredFlag.specProblem(globals: []) != nil)
        let unknown = CommandSpec(name: "t", abstract: "", arguments: [.flag("a", help: "")], constraints: [.exclusive(["a", "b"])])
        #expect(unknown.specProblem(globals: []) != nil)
        let version = CommandSpec(name: "t", abstract: "", arguments: [.flag("version", help: "")])
        #expect(version.specProblem(globals: []) != nil)
    }

    @Test func durationTextIsOneParser() {
        #expect(DurationText.seconds("24h") == 86_400 && DurationText.seconds("0s") == 0 && DurationText.seconds("7d") == 604_800)
        for bad in ["", "h", "24", "24H", "-1h", "+1h", "1.5h", "24 h", "99999999999999999999d"] {
            #expect(DurationText.seconds(bad) == nil, "\(bad)")
        }
        #expect(DurationText.format(.seconds(90)) == "90s" && DurationText.format(.seconds(300)) == "5m" && DurationText.format(.seconds(86_400)) == "1d")
    }
}
