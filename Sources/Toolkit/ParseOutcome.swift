/// What ``parseCommandLine(_:root:globalOptions:)`` decided. Executables do not switch on it
/// themselves: ``CLIRunner`` does, as below.
///
///     switch parseCommandLine(Array(CommandLine.arguments.dropFirst()), root: spec,
///                             globalOptions: globals) {
///     case .run(let command): ...                       // dispatch on command.path
///     case .help(let text), .version(let text): StandardStream.output.write(text)   // exit 0
///     case .usageError(let text): StandardStream.error.write(text); ExitCode.usage.exitProcess()
///     }
public enum ParseOutcome: Sendable, Equatable {
    /// The command line is valid: run this command.
    case run(ParsedCommand)
    /// `--help` or `-h` was given: write this text to stdout and exit 0.
    case help(String)
    /// `--version` was given to a root that has a version: write this line to stdout and exit 0.
    case version(String)
    /// The command line is wrong: write this text (`error: ...` plus the usage line and a pointer
    /// to `--help`) to stderr and exit with ``ExitCode/usage`` (64).
    case usageError(String)
}
