/// A valid command line: which command to run and the values given to it.
///
/// Look values up by the long name declared in ``ArgumentSpec`` (without dashes). Asking for a
/// name that the command (or the global options) never declared is a programming error and
/// trips an assertion in debug builds.
public struct ParsedCommand: Sendable, Equatable {
    /// Subcommand names below the root, e.g. `["report", "add"]`; empty for the root itself.
    public let path: [String]
    let flags: Set<String>
    let values: [String: [String]]
    let positionals: [String: String]
    let declared: Set<String>

    init(path: [String], flags: Set<String>, values: [String: [String]], positionals: [String: String],
         declared: Set<String>) {
        self.path = path
        self.flags = flags
        self.values = values
        self.positionals = positionals
        self.declared = declared
    }

    /// Whether the flag `--name` was given.
    public func flag(_ name: String) -> Bool {
        checkDeclared(name)
        return flags.contains(name)
    }

    /// The value of the option `--name`, or nil if it was not given. For a repeating option,
    /// the last value.
    public func option(_ name: String) -> String? {
        checkDeclared(name)
        return values[name]?.last
    }

    /// The value of the option `--name` read as a ``DurationText`` (`30s`, `24h`), or nil if it
    /// was not given. Declare the option with ``ValueRule/duration(_:noun:example:)`` so that the
    /// parser has refused anything else.
    public func duration(_ name: String) -> Duration? {
        option(name).flatMap(DurationText.parse)
    }

    /// Every value given for the option `--name`, in command-line order.
    public func options(_ name: String) -> [String] {
        checkDeclared(name)
        return values[name] ?? []
    }

    /// The positional argument declared as `name`, or nil when an optional one was left out.
    public func positional(_ name: String) -> String? {
        checkDeclared(name)
        return positionals[name]
    }

    private func checkDeclared(_ name: String) {
        assert(declared.contains(name), "'\(name)' is not declared by '\(path.joined(separator: " "))'")
    }
}
