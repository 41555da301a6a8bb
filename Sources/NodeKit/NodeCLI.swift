import Foundation
import Toolkit

/// The `fieldnode` program as a function: parse the arguments, run the command, return the
/// exit status. `main.swift` only calls `main`; tests call it with their own input, outputs
/// and environment (after Litestream's testable `run(args)`).
public enum NodeCLI {
    /// Runs one `fieldnode` command line.
    /// - Parameters:
    ///   - arguments: the arguments after the program name.
    ///   - environment: `FIELDNODE_DATA_DIR`, `STATE_DIRECTORY`, `HOME`… are read from here only.
    ///   - stdin: answers for `report new`, the document for `report add --json -`.
    ///   - stdout: results; stderr: errors, hints, prompts and warnings.
    ///   - now: the wall clock (tests pin it).
    /// - Returns: 0 ok, 1 user error, 64 usage error, 70 internal error.
    public static func main(
        arguments: [String],
        environment: [String: String],
        stdin: ByteInput = .standardInput(),
        stdout: any TextOutput = StandardOutput(.output),
        stderr: any TextOutput = StandardOutput(.error),
        now: @escaping () -> Date = Date.init
    ) -> Int32 {
        let root = DebugCommands.wantsDebugTree(arguments) ? DebugCommands.root : NodeCommands.root
        let command: ParsedCommand
        switch parseCommandLine(arguments, root: root, globalOptions: NodeCommands.globalOptions) {
        case .help(let text):
            stdout.write(text)
            return ExitCode.ok.rawValue
        case .usageError(let text):
            stderr.write(text)
            return ExitCode.usage.rawValue
        case .run(let parsed):
            command = parsed
        }
        guard let handler = NodeCommands.handler(for: command.path) else {
            stderr.write("error: internal error: no handler for '\(command.path.joined(separator: " "))'\n")
            return ExitCode.internalError.rawValue
        }
        let context = NodeContext(command: command, environment: environment, input: stdin,
                                  output: stdout, errorOutput: stderr, now: now)
        do {
            try handler(context)
            return ExitCode.ok.rawValue
        } catch {
            let failure = NodeFailure.describe(error)
            stderr.write(failure.rendered(usageLine: usageLine(root: root, path: command.path),
                                          commandName: (["fieldnode"] + command.path).joined(separator: " ")))
            return failure.exitCode.rawValue
        }
    }

    /// The USAGE synopsis of a command, as its `--help` shows it (without `USAGE: `).
    static func usageLine(root: CommandSpec, path: [String]) -> String {
        guard case .help(let text) = parseCommandLine(path + ["--help"], root: root,
                                                      globalOptions: NodeCommands.globalOptions),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("USAGE: ") }) else {
            return (["fieldnode"] + path).joined(separator: " ")
        }
        return String(line.dropFirst("USAGE: ".count))
    }
}
