/// A command or subcommand: what it is called, what it says about itself in `--help`, and what
/// it accepts.
///
/// A command has either subcommands or positional arguments, never both; a command with
/// subcommands does not run by itself (naming it without a subcommand is a usage error).
///
///     let root = CommandSpec(name: "fieldnode", abstract: "Record and sync SEA reports.",
///         subcommands: [
///             CommandSpec(name: "report", abstract: "Record and list reports.", subcommands: [
///                 CommandSpec(name: "list", abstract: "List reports.",
///                             arguments: [.flag("json", help: "Print JSON.")]),
///             ]),
///         ])
public struct CommandSpec: Sendable, Equatable {
    /// The word the user types (`report`); for the root, the executable's name.
    public var name: String
    /// One line: the OVERVIEW in help and the line under the parent's SUBCOMMANDS.
    public var abstract: String
    /// Paragraphs shown under the overview in this command's help, or nil.
    public var discussion: String?
    /// Flags, options and positionals, in the order help shows them.
    public var arguments: [ArgumentSpec]
    /// Subcommands, in the order help shows them.
    public var subcommands: [CommandSpec]
    /// Replaces the generated USAGE synopsis (without `USAGE: `), or nil to generate it.
    public var usageOverride: String?
    /// Which of this command's arguments may be given together.
    public var constraints: [ArgumentConstraint]
    /// For the root: what `--version` prints (one line, such as `missionhub 0.14.0 (protocol 1)`),
    /// or nil for no `--version`. Ignored on subcommands.
    public var version: String?

    /// Creates a command description.
    public init(
        name: String,
        abstract: String,
        discussion: String? = nil,
        arguments: [ArgumentSpec] = [],
        subcommands: [CommandSpec] = [],
        usageOverride: String? = nil,
        constraints: [ArgumentConstraint] = [],
        version: String? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.subcommands = subcommands
        self.usageOverride = usageOverride
        self.constraints = constraints
        self.version = version
    }

    /// The direct subcommand called `name`, if any.
    public func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }
}

extension CommandSpec {
    var positionalArguments: [ArgumentSpec] { arguments.filter(\.isPositional) }
    var namedArguments: [ArgumentSpec] { arguments.filter { !$0.isPositional } }

    /// Programming mistakes in a spec (caught by `assert` in debug builds and tests), or nil.
    func specProblem(globals: [ArgumentSpec]) -> String? {
        let named = namedArguments + globals
        if let clash = named.first(where: { $0.name == "help" || $0.short == "h" || $0.name == "version" }) {
            return "'\(name)' declares '\(clash.longName)'; -h/--help and --version are built in"
        }
        if let odd = arguments.first(where: { ($0.isRequired && ($0.kind == .flag || $0.isPositional)) || ($0.rule != nil && $0.kind == .flag) }) {
            return "'\(name)' declares '\(odd.name)' required or with a rule; only options can be required, flags have no rule"
        }
        let declared = Set(arguments.map(\.name))
        if let unknown = constraints.flatMap(\.names).first(where: { !declared.contains($0) }) {
            return "'\(name)' has a constraint on '\(unknown)', which it does not declare"
        }
        var seen = Set<String>()
        for argument in arguments + globals where !seen.insert(argument.name).inserted {
            return "'\(name)' declares '\(argument.name)' twice"
        }
        let shorts = named.compactMap(\.short)
        if Set(shorts).count != shorts.count { return "'\(name)' declares a short name twice" }
        if !subcommands.isEmpty, !positionalArguments.isEmpty {
            return "'\(name)' has both subcommands and positional arguments"
        }
        let positionals = positionalArguments
        if let firstOptional = positionals.firstIndex(where: { !$0.isRequiredPositional }),
           positionals[firstOptional...].contains(where: \.isRequiredPositional) {
            return "'\(name)' has a required positional after an optional one"
        }
        for sub in subcommands {
            if let problem = sub.specProblem(globals: globals) { return problem }
        }
        return nil
    }
}
