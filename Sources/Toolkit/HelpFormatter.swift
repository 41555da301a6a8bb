/// Renders help and usage text in swift-argument-parser's layout:
///
///     OVERVIEW: <abstract>
///
///     <discussion>
///
///     USAGE: <synopsis>
///
///     ARGUMENTS:
///       <label>                 <help, wrapped at 80 columns, continuing at column 26>
///
///     OPTIONS:
///       ...
///       -h, --help              Show help information.
///
///     SUBCOMMANDS:
///       ...
///
///       See '<command> <subcommand> --help' for detailed help.
///
/// A label of 24 characters or more puts its help on the next line, at column 26.
enum HelpFormatter {
    static let labelColumn = 26
    static let indent = 2
    static let screenWidth = 80
    /// More options than this show as `[<options>]` in the USAGE synopsis.
    static let maxOptionsInSynopsis = 12

    /// `fieldnode report add`.
    static func commandName(_ stack: [CommandSpec]) -> String {
        stack.map(\.name).joined(separator: " ")
    }

    /// The USAGE synopsis of the last command on the stack, without `USAGE: `.
    static func synopsis(stack: [CommandSpec], globals: [ArgumentSpec]) -> String {
        let command = stack[stack.count - 1]
        if let usage = command.usageOverride { return usage }
        var parts = [commandName(stack)]
        let named = command.namedArguments + globals
        if named.count > maxOptionsInSynopsis {
            parts.append("[<options>]")
        } else {
            parts += named.map(\.synopsis)
        }
        parts += command.positionalArguments.map(\.synopsis)
        if !command.subcommands.isEmpty { parts.append("<subcommand>") }
        return parts.joined(separator: " ")
    }

    /// The full `--help` text, ending with a newline.
    static func help(stack: [CommandSpec], globals: [ArgumentSpec]) -> String {
        let command = stack[stack.count - 1]
        var blocks: [String] = []
        if !command.abstract.isEmpty {
            blocks.append(wrap("OVERVIEW: \(command.abstract)", width: screenWidth, indent: 0))
        }
        if let discussion = command.discussion, !discussion.isEmpty {
            blocks.append(wrap(discussion, width: screenWidth, indent: 0))
        }
        blocks.append("USAGE: \(synopsis(stack: stack, globals: globals))\n")
        let arguments = command.positionalArguments.map { (label: $0.helpLabel, text: $0.help) }
        let builtIn: [ArgumentSpec] = stack.count == 1 && command.version != nil ? [.help, .version] : [.help]
        let options = (command.namedArguments + globals + builtIn).map { (label: $0.helpLabel, text: $0.help) }
        let subcommands = command.subcommands.map { (label: $0.name, text: $0.abstract) }
        for (title, elements) in [("ARGUMENTS", arguments), ("OPTIONS", options), ("SUBCOMMANDS", subcommands)]
        where !elements.isEmpty {
            blocks.append("\(title):\n" + elements.map { element(label: $0.label, text: $0.text) }.joined())
        }
        if !command.subcommands.isEmpty {
            blocks.append("  See '\(commandName(stack)) <subcommand> --help' for detailed help.\n")
        }
        return blocks.joined(separator: "\n")
    }

    /// The error (`error: ...`, `hint: ...`), then the usage line and a pointer to `--help`,
    /// ending with a newline.
    static func usageError(_ error: CLIError, stack: [CommandSpec], globals: [ArgumentSpec]) -> String {
        """
        \(error.description)
        Usage: \(synopsis(stack: stack, globals: globals))
          See '\(commandName(stack)) --help' for more information.

        """
    }

    /// One labelled line (or more, when wrapped) of a help section.
    static func element(label: String, text: String) -> String {
        let paddedLabel = String(repeating: " ", count: indent) + label
        guard !text.isEmpty else { return paddedLabel + "\n" }
        let body = wrap(text, width: screenWidth, indent: labelColumn)
        if paddedLabel.count < labelColumn {
            return paddedLabel + body.dropFirst(paddedLabel.count)
        }
        return paddedLabel + "\n" + body
    }

    /// Wraps each line of `text` at word boundaries to `width` columns, every output line
    /// starting with `indent` spaces; ends with a newline. Words longer than a line stay whole.
    static func wrap(_ text: String, width: Int, indent: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var output = ""
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty, indent + line.count + 1 + word.count > width {
                    output += margin + line + "\n"
                    line = ""
                }
                line += line.isEmpty ? String(word) : " " + word
            }
            output += (line.isEmpty ? "" : margin + line) + "\n"
        }
        return output
    }
}
