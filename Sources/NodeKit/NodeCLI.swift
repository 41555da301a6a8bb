import Foundation
import SyncProtocol
import Toolkit

/// The `fieldnode` program as a function: parse and validate the arguments, run the command,
/// return the exit status (Toolkit's `CLIRunner`, shared with `missionhub`). `main.swift` only
/// calls `main`; tests call it with their own input, outputs and environment (after
/// Litestream's testable `run(args)`).
public enum NodeCLI {
    /// What `fieldnode --version` prints.
    public static let version = ProductVersion.line(executable: "fieldnode", protocolVersion: RequestSigning.protocolVersion)

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
        let runner = CLIRunner(root: root, globalOptions: NodeCommands.globalOptions,
                               output: { stdout.write($0) }, error: { stderr.write($0) },
                               translate: NodeFailure.translate)
        return runner.run(arguments) { command in
            guard let handler = NodeCommands.handler(for: command.path) else {
                throw NodeError.internal("internal error: no handler for '\(command.path.joined(separator: " "))'")
            }
            try handler(NodeContext(command: command, environment: environment, input: stdin,
                                    output: stdout, errorOutput: stderr, now: now))
        }
    }
}
