/// A rule about which arguments of one command may be given together, checked by the parser
/// after the whole line is read and before anything runs (a broken one is a usage error, 64).
///
///     CommandSpec(name: "serve", ..., constraints: [.exclusive(["listen", "unix"])])
///     CommandSpec(name: "release", ..., constraints: [.exactlyOne(["node", "all"])])
///
/// Names are the declared names of flags, options or positionals of that command.
public enum ArgumentConstraint: Sendable, Equatable {
    /// At most one of these may be given: `give either --listen <host:port> or --unix <path>, not both`.
    case exclusive([String])
    /// Exactly one of these must be given: `give <node> or --all`.
    case exactlyOne([String])

    /// The names the constraint is about.
    var names: [String] {
        switch self {
        case .exclusive(let names), .exactlyOne(let names): names
        }
    }

    /// The usage error for a command line that gives `given` of ``names``, or nil when it keeps
    /// the constraint. `mention` names an argument as messages do (`--unix <path>`, `<node>`).
    func violation(given: [String], mention: (String) -> String) -> String? {
        let choices = ValueRule.either(names.map(mention))
        switch self {
        case .exclusive where given.count > 1, .exactlyOne where given.count > 1:
            return "give either \(choices), not both"
        case .exactlyOne where given.isEmpty:
            return "give \(choices)"
        default:
            return nil
        }
    }
}
