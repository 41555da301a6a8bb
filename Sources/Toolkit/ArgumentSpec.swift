/// One flag, option or positional argument a command accepts.
///
/// Declare them with the static helpers:
///
///     .flag("json", short: "j", help: "Print JSON.")
///     .option("data-dir", valueName: "dir", help: "Where the node keeps its data.")
///     .option("mission", valueName: "code", required: true, rule: missionCode, help: "The mission code.")
///     .repeatingOption("set", valueName: "path=value", help: "Set a field; repeat for more.")
///     .positional("reference", help: "The report's reference code.")
///
/// `--help`/`-h` are added to every command by the parser (and `--version` to a root that has a
/// version); do not declare them. A required option shows without brackets in the USAGE line
/// (`--mission <code>`) and its absence is a usage error; a ``ValueRule`` is checked on every
/// value as it is parsed, before anything runs.
public struct ArgumentSpec: Sendable, Equatable {
    /// How the argument appears on the command line.
    public enum Kind: Sendable, Equatable {
        /// `--json`: present or not.
        case flag
        /// `--data-dir DIR` or `--data-dir=DIR`, at most once.
        case option(valueName: String)
        /// `--set PATH=VALUE`, any number of times; values keep their order.
        case repeatingOption(valueName: String)
        /// A bare word in order of declaration. Optional positionals come after required ones.
        case positional(valueName: String, optional: Bool)
    }

    /// The long name without dashes (`data-dir`); the key for ``ParsedCommand`` lookups.
    public var name: String
    /// A one-letter short name (`-j`), or nil.
    public var short: Character?
    /// One line for the help text.
    public var help: String
    /// How the argument appears on the command line.
    public var kind: Kind
    /// For options: whether the command line must give it (a repeating one at least once).
    public var isRequired: Bool
    /// For options and positionals: what every value must look like, or nil for any text.
    public var rule: ValueRule?

    /// Creates an argument; the static helpers read better at the call site.
    public init(name: String, short: Character? = nil, help: String, kind: Kind, isRequired: Bool = false,
                rule: ValueRule? = nil) {
        self.name = name
        self.short = short
        self.help = help
        self.kind = kind
        self.isRequired = isRequired
        self.rule = rule
    }

    /// A flag such as `--json`.
    public static func flag(_ name: String, short: Character? = nil, help: String) -> ArgumentSpec {
        ArgumentSpec(name: name, short: short, help: help, kind: .flag)
    }

    /// An option taking one value, given at most once, such as `--data-dir <dir>`.
    public static func option(
        _ name: String, short: Character? = nil, valueName: String, required: Bool = false, rule: ValueRule? = nil,
        help: String
    ) -> ArgumentSpec {
        ArgumentSpec(name: name, short: short, help: help, kind: .option(valueName: valueName),
                     isRequired: required, rule: rule)
    }

    /// An option that may be repeated, such as `--set <path=value>`.
    public static func repeatingOption(
        _ name: String, short: Character? = nil, valueName: String, required: Bool = false, rule: ValueRule? = nil,
        help: String
    ) -> ArgumentSpec {
        ArgumentSpec(name: name, short: short, help: help, kind: .repeatingOption(valueName: valueName),
                     isRequired: required, rule: rule)
    }

    /// A positional argument; `valueName` (shown as `<value-name>`) defaults to `name`.
    public static func positional(
        _ name: String, valueName: String? = nil, optional: Bool = false, rule: ValueRule? = nil, help: String
    ) -> ArgumentSpec {
        ArgumentSpec(name: name, help: help, kind: .positional(valueName: valueName ?? name, optional: optional), rule: rule)
    }
}

extension ArgumentSpec {
    var isPositional: Bool {
        if case .positional = kind { return true }
        return false
    }

    var isRequiredPositional: Bool {
        if case .positional(_, let optional) = kind { return !optional }
        return false
    }

    /// `--name`.
    var longName: String { "--\(name)" }

    /// `<value>` for options and positionals, nil for flags.
    var valuePlaceholder: String? {
        switch kind {
        case .flag: nil
        case .option(let valueName), .repeatingOption(let valueName), .positional(let valueName, _):
            "<\(valueName)>"
        }
    }

    /// How the argument shows in a USAGE line: `[--json]`, `[--set <p=v> ...]`, `<id>`, `[<id>]`;
    /// a required option without brackets: `--mission <code>`, `--set <p=v> ...`.
    var synopsis: String {
        switch kind {
        case .flag: "[\(longName)]"
        case .option: isRequired ? "\(longName) \(valuePlaceholder ?? "")" : "[\(longName) \(valuePlaceholder ?? "")]"
        case .repeatingOption:
            isRequired ? "\(longName) \(valuePlaceholder ?? "") ..." : "[\(longName) \(valuePlaceholder ?? "") ...]"
        case .positional(_, let optional): optional ? "[\(valuePlaceholder ?? "")]" : valuePlaceholder ?? ""
        }
    }

    /// How a message names the argument: `--out <file>`, `--all`, `<node>`.
    var mention: String {
        switch kind {
        case .flag: longName
        case .option, .repeatingOption: "\(longName) \(valuePlaceholder ?? "")"
        case .positional: valuePlaceholder ?? name
        }
    }

    /// How the argument is labelled in a help section: `-j, --json`, `--data-dir <dir>`, `<id>`.
    var helpLabel: String {
        let names = short.map { "-\($0), \(longName)" } ?? longName
        switch kind {
        case .flag: return names
        case .option: return "\(names) \(valuePlaceholder ?? "")"
        case .repeatingOption: return "\(names) \(valuePlaceholder ?? "") ..."
        case .positional: return valuePlaceholder ?? ""
        }
    }

    /// What a usage error for a missing required option suggests: `give --json <file>: the
    /// report as JSON; - reads standard input` (its help, without the final period).
    var missingHint: String {
        var text = help.hasSuffix(".") ? String(help.dropLast()) : help
        if let first = text.first, first.isUppercase, !(text.dropFirst().first?.isUppercase ?? false) {
            text = first.lowercased() + text.dropFirst()
        }
        return text.isEmpty ? "give \(mention)" : "give \(mention): \(text)"
    }

    /// The built-in `-h, --help`, listed last under OPTIONS.
    static let help = ArgumentSpec.flag("help", short: "h", help: "Show help information.")

    /// The built-in `--version` of a root command that has a version.
    static let version = ArgumentSpec.flag("version", help: "Show the version.")
}
