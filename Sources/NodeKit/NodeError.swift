import Toolkit

/// A failure a `fieldnode` command reports to the operator, then exits: Toolkit's `CLIError`,
/// the one user-facing error of both executables (`CLIRunner` shows it and picks the exit
/// status).
///
/// What the operator sees on stderr:
///
///     error: <message>
///       <detail>            (one line each, e.g. every validation issue)
///     hint: <hint>
///
/// A usage error (`.usage`, exit 64) is followed by the command's usage line and a pointer to
/// `--help`; `.cancelled` shows the message alone (exit 1). Messages never carry report content
/// beyond field names, codes and references.
public typealias NodeError = CLIError
