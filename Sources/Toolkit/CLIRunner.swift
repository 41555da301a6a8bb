/// The one way a fieldsync executable turns its command line into an exit status, after
/// swift-argument-parser's manners:
///
/// 1. Parse and validate (``parseCommandLine(_:root:globalOptions:)``: syntax, value rules,
///    required options, constraints) before anything runs. `--help` and `--version` write to
///    stdout and exit 0; a usage error writes the error, the usage line and a pointer to
///    `--help` to stderr and exits 64.
/// 2. Run the command.
/// 3. Show what it threw as ``CLIError`` on stderr (`error:`, details, `hint:`; a usage error
///    adds the usage line) and exit with its code: 1 user, 64 usage, 70 internal. An error
///    that is neither a ``CLIErrorConvertible`` nor translated by `translate` is internal.
///
///     let runner = CLIRunner(root: spec, globalOptions: globals, output: out, error: err)
///     return runner.run(arguments) { command in try dispatch(command) }
public struct CLIRunner {
    /// The command tree; its `version` is what `--version` prints.
    public let root: CommandSpec
    /// Options accepted anywhere on the line (`--data-dir`).
    public let globalOptions: [ArgumentSpec]
    private let output: (String) -> Void
    private let errorOutput: (String) -> Void
    private let translate: (any Error) -> CLIError?

    /// - Parameters:
    ///   - output: stdout (help, version; commands write their own results).
    ///   - error: stderr.
    ///   - translate: the executable's own reading of errors that are not ``CLIErrorConvertible``
    ///     (store or sync failures in the user's terms); nil for "internal".
    public init(root: CommandSpec, globalOptions: [ArgumentSpec], output: @escaping (String) -> Void,
                error: @escaping (String) -> Void, translate: @escaping (any Error) -> CLIError? = { _ in nil }) {
        self.root = root
        self.globalOptions = globalOptions
        self.output = output
        self.errorOutput = error
        self.translate = translate
    }

    /// What step 1 decided.
    public enum Start {
        /// Nothing to run: exit with this status (help, version, usage error).
        case exit(ExitCode)
        /// A valid command line: run it.
        case run(ParsedCommand)
    }

    /// Step 1: parses and validates; writes help, the version or the usage error.
    public func start(_ arguments: [String]) -> Start {
        switch parseCommandLine(arguments, root: root, globalOptions: globalOptions) {
        case .help(let text), .version(let text):
            output(text)
            return .exit(.ok)
        case .usageError(let text):
            errorOutput(text)
            return .exit(.usage)
        case .run(let command):
            return .run(command)
        }
    }

    /// Step 3: writes what `error` means to the user and returns its exit status.
    public func fail(_ error: any Error, command: ParsedCommand) -> ExitCode {
        let shown = describe(error)
        errorOutput(shown.code == .usage ? HelpFormatter.usageError(shown, stack: stack(command.path), globals: globalOptions)
                                         : shown.description + "\n")
        return shown.exitCode
    }

    /// `error` as the user sees it (``CLIError/from(_:translate:)`` with the executable's
    /// translation).
    public func describe(_ error: any Error) -> CLIError {
        .from(error, translate: translate)
    }

    /// Steps 1 to 3 for a command that runs to completion on the calling thread.
    public func run(_ arguments: [String], _ body: (ParsedCommand) throws -> Void) -> Int32 {
        let command: ParsedCommand
        switch start(arguments) {
        case .exit(let status): return status.rawValue
        case .run(let parsed): command = parsed
        }
        do {
            try body(command)
            return ExitCode.ok.rawValue
        } catch {
            return fail(error, command: command).rawValue
        }
    }

    /// Steps 1 to 3 for a command that awaits.
    public func run(_ arguments: [String], _ body: (ParsedCommand) async throws -> Void) async -> Int32 {
        let command: ParsedCommand
        switch start(arguments) {
        case .exit(let status): return status.rawValue
        case .run(let parsed): command = parsed
        }
        do {
            try await body(command)
            return ExitCode.ok.rawValue
        } catch {
            return fail(error, command: command).rawValue
        }
    }

    /// The commands from the root down `path`.
    private func stack(_ path: [String]) -> [CommandSpec] {
        var stack = [root]
        for name in path {
            guard let next = stack[stack.count - 1].subcommand(named: name) else { break }
            stack.append(next)
        }
        return stack
    }
}
