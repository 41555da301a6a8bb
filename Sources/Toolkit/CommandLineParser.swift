/// Parses a command line against a tree of ``CommandSpec``s, with swift-argument-parser manners.
///
/// - `args` excludes the executable name: pass `Array(CommandLine.arguments.dropFirst())`.
/// - `--help` or `-h` anywhere before `--` asks for the help of the deepest command named, and
///   wins over any other mistake on the line.
/// - `globalOptions` (e.g. `--data-dir <dir>`) are accepted before, between or after the
///   subcommand names, and are listed under OPTIONS of every command.
/// - Options take `--name value` or `--name=value`; short flags may be grouped (`-jv`); an
///   option value cannot start with `-` unless written `--name=-value`; `--` ends options.
/// - Flags may be repeated harmlessly; repeating a non-repeating option is a usage error.
/// - Options declared by a command are accepted once that command has been named.
/// - `--version` on the root alone (no subcommand named), when the root has a version, asks for
///   the version line; `--help` wins over it.
/// - Validation, before anything runs: every value is checked against its option's
///   ``ValueRule`` as it is read; once the line is read, required options and positionals must
///   be there and the command's ``ArgumentConstraint``s hold. Any failure is a usage error.
public func parseCommandLine(
    _ args: [String], root: CommandSpec, globalOptions: [ArgumentSpec] = []
) -> ParseOutcome {
    assert(root.specProblem(globals: globalOptions) == nil, root.specProblem(globals: globalOptions) ?? "")
    var parser = CommandLineParser(root: root, globals: globalOptions)
    return parser.parse(args)
}

/// The parsing state: where in the command tree we are and what has been collected so far.
struct CommandLineParser {
    struct UsageError: Error {
        let message: String
        var hint: String?
    }

    private let globals: [ArgumentSpec]
    private var stack: [CommandSpec]
    private var flags = Set<String>()
    private var values: [String: [String]] = [:]
    private var positionals: [String: String] = [:]
    private var positionalIndex = 0
    private var versionRequested = false

    init(root: CommandSpec, globals: [ArgumentSpec]) {
        self.globals = globals
        self.stack = [root]
    }

    private var current: CommandSpec { stack[stack.count - 1] }

    mutating func parse(_ args: [String]) -> ParseOutcome {
        let helpRequested = args.prefix { $0 != "--" }.contains(where: Self.asksForHelp)
        do throws(UsageError) {
            try consume(args)
            if !helpRequested, !versionRequested { try finish() }
        } catch {
            if !helpRequested {
                return .usageError(HelpFormatter.usageError(.usage(error.message, hint: error.hint),
                                                            stack: stack, globals: globals))
            }
        }
        if helpRequested { return .help(HelpFormatter.help(stack: stack, globals: globals)) }
        if versionRequested, let version = stack[0].version { return .version(version + "\n") }
        let declared = Set((stack.flatMap(\.arguments) + globals).map(\.name))
        return .run(ParsedCommand(path: stack.dropFirst().map(\.name), flags: flags, values: values,
                                  positionals: positionals, declared: declared))
    }

    /// `--help`, `-h`, or a group of short flags containing `h` (`-jh`).
    private static func asksForHelp(_ token: String) -> Bool {
        if token == "--help" { return true }
        return token.hasPrefix("-") && !token.hasPrefix("--") && token.dropFirst().contains("h")
    }

    private mutating func consume(_ args: [String]) throws(UsageError) {
        var index = 0
        var onlyPositionals = false
        while index < args.count {
            let token = args[index]
            index += 1
            if onlyPositionals {
                try positional(token)
            } else if token == "--" {
                onlyPositionals = true
            } else if token == "--help" {
                continue
            } else if token == "--version", stack.count == 1, stack[0].version != nil {
                versionRequested = true
            } else if token.hasPrefix("--") {
                try longOption(token, args: args, index: &index)
            } else if token.hasPrefix("-"), token.count > 1 {
                try shortOptions(token, args: args, index: &index)
            } else if !current.subcommands.isEmpty {
                try subcommand(token)
            } else {
                try positional(token)
            }
        }
    }

    private var namedArguments: [ArgumentSpec] { current.namedArguments + globals }

    private mutating func longOption(_ token: String, args: [String], index: inout Int) throws(UsageError) {
        let body = token.dropFirst(2)
        let name = String(body.prefix { $0 != "=" })
        let inlineValue = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
        guard let spec = namedArguments.first(where: { $0.name == name }) else {
            let candidates = namedArguments.map(\.longName) + ["--help"] + (stack.count == 1 && stack[0].version != nil ? ["--version"] : [])
            var message = "unknown option '--\(name)'"
            if let guess = EditDistance.closest(to: "--\(name)", among: candidates) {
                message += "; did you mean '\(guess)'?"
            }
            throw UsageError(message: message)
        }
        if spec.kind == .flag {
            if inlineValue != nil { throw UsageError(message: "flag '\(spec.longName)' does not take a value") }
            flags.insert(spec.name)
            return
        }
        if let inlineValue {
            try record(inlineValue, for: spec)
        } else {
            try record(nextValue(for: spec, args: args, index: &index), for: spec)
        }
    }

    private mutating func shortOptions(_ token: String, args: [String], index: inout Int) throws(UsageError) {
        let letters = Array(token.dropFirst())
        for (position, letter) in letters.enumerated() {
            if letter == "h" { continue }
            guard let spec = namedArguments.first(where: { $0.short == letter }) else {
                throw UsageError(message: "unknown option '-\(letter)'")
            }
            if spec.kind == .flag {
                flags.insert(spec.name)
                continue
            }
            guard position == letters.count - 1 else {
                throw UsageError(message: "option '-\(letter)' takes a value, so it must come last in '\(token)'")
            }
            let value = try nextValue(for: spec, args: args, index: &index)
            try record(value, for: spec)
        }
    }

    private func nextValue(for spec: ArgumentSpec, args: [String], index: inout Int) throws(UsageError) -> String {
        guard index < args.count, !(args[index].hasPrefix("-") && args[index].count > 1) else {
            throw UsageError(message: "missing value for option '\(spec.longName) \(spec.valuePlaceholder ?? "")'")
        }
        index += 1
        return args[index - 1]
    }

    private mutating func record(_ value: String, for spec: ArgumentSpec) throws(UsageError) {
        if case .option = spec.kind, values[spec.name] != nil {
            throw UsageError(message: "option '\(spec.longName)' was given more than once; give it once")
        }
        if spec.isRequired, value.isEmpty {
            throw UsageError(message: "missing value for option '\(spec.mention)'")
        }
        if let rule = spec.rule, !rule.allows(value) {
            throw UsageError(message: "'\(value)' for '\(spec.mention)' is not \(rule.noun)", hint: rule.hint)
        }
        values[spec.name, default: []].append(value)
    }

    private mutating func subcommand(_ word: String) throws(UsageError) {
        guard let next = current.subcommand(named: word) else {
            let commandName = HelpFormatter.commandName(stack)
            var message = "unknown subcommand '\(word)' for '\(commandName)'"
            if let guess = EditDistance.closest(to: word, among: current.subcommands.map(\.name)) {
                message += "; did you mean '\(guess)'?"
            }
            throw UsageError(message: message)
        }
        stack.append(next)
        positionalIndex = 0
    }

    private mutating func positional(_ word: String) throws(UsageError) {
        let specs = current.positionalArguments
        guard positionalIndex < specs.count else {
            throw UsageError(message: "unexpected argument '\(word)'")
        }
        let spec = specs[positionalIndex]
        if let rule = spec.rule, !rule.allows(word) {
            throw UsageError(message: "'\(word)' for '\(spec.mention)' is not \(rule.noun)", hint: rule.hint)
        }
        positionals[spec.name] = word
        positionalIndex += 1
    }

    private func finish() throws(UsageError) {
        if !current.subcommands.isEmpty {
            let names = current.subcommands.map(\.name).joined(separator: ", ")
            throw UsageError(message: "missing subcommand for '\(HelpFormatter.commandName(stack))'; choose one of: \(names)")
        }
        let specs = current.positionalArguments
        if let missing = specs.dropFirst(positionalIndex).first(where: \.isRequiredPositional) {
            throw UsageError(message: "missing argument '\(missing.valuePlaceholder ?? missing.name)'")
        }
        if let missing = current.namedArguments.first(where: { $0.isRequired && values[$0.name] == nil }) {
            throw UsageError(message: "missing option '\(missing.mention)'", hint: missing.missingHint)
        }
        let arguments = current.arguments
        for constraint in current.constraints {
            let given = constraint.names.filter { flags.contains($0) || values[$0] != nil || positionals[$0] != nil }
            if let message = constraint.violation(given: given, mention: { name in
                arguments.first { $0.name == name }?.mention ?? name
            }) {
                throw UsageError(message: message)
            }
        }
    }
}
