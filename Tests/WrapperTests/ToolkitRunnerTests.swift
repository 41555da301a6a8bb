import Testing
@testable import Toolkit

/// `CLIRunner`: parse and validate, then run, then one error style and exit status.
@Suite struct ToolkitRunnerTests {
    final class Capture {
        var output = ""
        var error = ""
    }

    struct Odd: Error {}
    struct Translated: Error {}

    func runner(_ capture: Capture) -> CLIRunner {
        CLIRunner(root: ToolkitValidationSpec.root, globalOptions: [], output: { capture.output += $0 }, error: { capture.error += $0 },
                  translate: { $0 is Translated ? .user("translated", hint: "do the thing") : nil })
    }

    func run(_ args: [String], _ body: (ParsedCommand) throws -> Void = { _ in }) -> (status: Int32, output: String, error: String) {
        let capture = Capture()
        let status = runner(capture).run(args, body)
        return (status, capture.output, capture.error)
    }

    @Test func helpAndVersionGoToStdoutWithZero() {
        let version = run(["--version"]) { _ in Issue.record("must not run") }
        #expect(version.status == 0 && version.output == "hub 9.9.9 (protocol 1)\n" && version.error.isEmpty)
        let help = run(["serve", "-h"]) { _ in Issue.record("must not run") }
        #expect(help.status == 0 && help.output.hasPrefix("OVERVIEW: Serve.") && help.error.isEmpty)
    }

    @Test func aBadLineNeverRuns() {
        let result = run(["serve", "--unix", "relative"]) { _ in Issue.record("must not run") }
        #expect(result.status == 64 && result.output.isEmpty)
        #expect(result.error == """
            error: 'relative' for '--unix <path>' is not an absolute path
            hint: give the full path, such as /run/hub.sock
            Usage: hub serve [--listen <host:port>] [--unix <path>] [--count <n>]
              See 'hub serve --help' for more information.

            """)
    }

    @Test func thrownErrorsMapToOneStyleAndExitStatus() {
        let user = run(["release", "--all"]) { _ in throw CLIError.user("no such node", details: ["a", "b"], hint: "list them first") }
        #expect(user.status == 1 && user.error == "error: no such node\n  a\n  b\nhint: list them first\n")
        let usage = run(["release", "--all"]) { _ in throw CLIError.usage("give fewer", hint: "see below") }
        #expect(usage.status == 64)
        #expect(usage.error == """
            error: give fewer
            hint: see below
            Usage: hub release [--all] [<node>]
              See 'hub release --help' for more information.

            """)
        let cancelled = run(["release", "--all"]) { _ in throw CLIError(.cancelled, "cancelled; nothing was saved") }
        #expect(cancelled.status == 1 && cancelled.error == "cancelled; nothing was saved\n")
        let convertible = run(["release", "--all"]) { _ in throw DataDirectoryError.notADirectory("/x") }
        #expect(convertible.status == 1 && convertible.error == DataDirectoryError.notADirectory("/x").cliError.description + "\n")
        let translated = run(["release", "--all"]) { _ in throw Translated() }
        #expect(translated.status == 1 && translated.error == "error: translated\nhint: do the thing\n")
        let odd = run(["release", "--all"]) { _ in throw Odd() }
        #expect(odd.status == 70)
        #expect(odd.error == "error: internal error (Odd)\nhint: this is a bug; please report it with the command you ran\n")
        let fine = run(["release", "nodeone"]) { command in #expect(command.positional("node") == "nodeone") }
        #expect(fine.status == 0 && fine.error.isEmpty)
    }

    @Test func theAsyncRunIsTheSameRunner() async {
        let capture = Capture()
        let status = await runner(capture).run(["release", "--all"]) { _ async throws in
            await Task.yield()
            throw CLIError.user("late")
        }
        #expect(status == 1 && capture.error == "error: late\n")
    }
}
