/// One flag, option or positional argument a command accepts.
///
/// Declare them with the static helpers:
///
///     .flag("json", short: "j", help: "Print JSON.")
///     .option("data-dir", valueName: "dir", help: "Where the node keeps its data.")
///     .repeatingOption("set", valueName: "path=value", help: "Set a field; repeat for more.")
///     .positional("reference", help: "The report's reference code.")
///
/// `--help`/`-h` are added to every command by the parser; do not declare them.
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

    /// Creates an argument; the static helpers read better at the call site.
    public init(name: String, short: Character? = nil, help: String, kind: Kind) {
        self.name = name
        self.short = short
        self.help = help
        self.kind = kind
    }

    /// A flag such as `--json`.
    public static func flag(_ name: String, short: Character? = nil, help: String) -> ArgumentSpec {
        ArgumentSpec(name: name, short: short, help: help, kind: .flag)
    }

    /// An option taking one value, given at most once, such as `--data-dir <dir>`.
    public static func option(
        _ name: String, short: Character? = nil, valueName: String, help: String
    ) -> ArgumentSpec {
        ArgumentSpec(name: name, short: short, help: help, kind: .option(valueName: valueName))
    }

    /// An option that may be repeated, such as `--set <path=value>`.
    public static func repeatingOption(
        _ name: String, short: Character? = nil, valueName: String, help: String
    ) -> ArgumentSpec {
        ArgumentSpec(name: name, short: short, help: help, kind: .repeatingOption(valueName: valueName))
    }

    /// A positional argument; `valueName` (shown as `<value-name>`) defaults to `name`.
    public static func positional(
        _ name: String, valueName: String? = nil, optional: Bool = false, help: String
    ) -> ArgumentSpec {
        ArgumentSpec(name: name, help: help, kind: .positional(valueName: valueName ?? name, optional: optional))
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

    /// How the argument shows in a USAGE line: `[--json]`, `[--set <p=v> ...]`, `<id>`, `[<id>]`.
    var synopsis: String {
        switch kind {
        case .flag: "[\(longName)]"
        case .option: "[\(longName) \(valuePlaceholder ?? "")]"
        case .repeatingOption: "[\(longName) \(valuePlaceholder ?? "") ...]"
        case .positional(_, let optional): optional ? "[\(valuePlaceholder ?? "")]" : valuePlaceholder ?? ""
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

    /// The built-in `-h, --help`, listed last under OPTIONS.
    static let help = ArgumentSpec.flag("help", short: "h", help: "Show help information.")
}
