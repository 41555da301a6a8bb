import Foundation
import JSON
import Toolkit

/// Everything a command needs from the outside world, passed in so tests can supply their own:
/// the parsed command line, the environment, standard input and outputs, and the clock.
final class NodeContext {
    let command: ParsedCommand
    let environment: [String: String]
    let input: ByteInput
    let output: any TextOutput
    let errorOutput: any TextOutput
    let now: () -> Date

    init(command: ParsedCommand, environment: [String: String], input: ByteInput,
         output: any TextOutput, errorOutput: any TextOutput, now: @escaping () -> Date) {
        self.command = command
        self.environment = environment
        self.input = input
        self.output = output
        self.errorOutput = errorOutput
        self.now = now
    }

    /// The node's data directory and store (DESIGN.md: flag, `$FIELDNODE_DATA_DIR`,
    /// `$STATE_DIRECTORY`, else `~/.local/share/fieldsync/node`).
    var home: NodeHome {
        NodeHome(directory: DataDirectory.resolve(
            flag: command.option("data-dir"), environment: environment,
            envVar: NodeHome.environmentVariable, fallbackSubpath: NodeHome.fallbackSubpath))
    }

    /// Opens the existing node store, or fails with what to run first.
    func openNode() throws -> FieldNode {
        try FieldNode.open(home, hooks: TestHooks(environment: environment))
    }

    /// Writes one line to stdout.
    func say(_ line: String) {
        output.write(line + "\n")
    }

    /// Writes one line to stderr (warnings, progress; never the result).
    func note(_ line: String) {
        errorOutput.write(line + "\n")
    }

    /// Writes `value` as pretty JSON with sorted keys, the form every `--json` output takes.
    func sayJSON(_ value: JSONValue) {
        say(JSON.encode(value, pretty: true, sortedKeys: true))
    }

    /// `--output text|json` for commands that have it (the parser refused any other value).
    func outputFormat() -> OutputFormat {
        command.option("output") == "json" ? .json : .text
    }

    /// The current time as RFC 3339 with the local offset, e.g. `2026-03-01T14:05:00+01:00`.
    var nowRFC3339: String { LocalTime.rfc3339(now()) }
}

/// How a command prints its result.
enum OutputFormat {
    case text
    case json
}
