/// What an option's value must look like, declared with the option and checked by the parser
/// before any command runs: a value that breaks its rule is a usage error (exit 64) that names
/// the option, the value, and what to write instead.
///
///     .option("expires", valueName: "lifetime", rule: .duration(.seconds(60) ... .seconds(30 * 86_400),
///             noun: "a token lifetime", example: "24h"), help: "...")
///
/// gives, for `--expires 0h`:
///
///     error: '0h' for '--expires <lifetime>' is not a token lifetime
///     hint: write a number and a unit s, m, h or d, from 1m to 30d, such as 24h
///
/// Rules compare equal by their words (``noun`` and ``hint``), so that command trees stay
/// `Equatable`; two rules with the same words must mean the same check.
public struct ValueRule: Sendable, Equatable, CustomStringConvertible {
    /// What a good value is, with its article: `a token lifetime`, `an output format`.
    public let noun: String
    /// What to write, as the `hint:` line says it: `write text or json`.
    public let hint: String
    private let accepts: @Sendable (String) -> Bool

    /// A rule from a predicate.
    public init(noun: String, hint: String, accepts: @escaping @Sendable (String) -> Bool) {
        self.noun = noun
        self.hint = hint
        self.accepts = accepts
    }

    /// Whether `value` keeps the rule.
    public func allows(_ value: String) -> Bool { accepts(value) }

    public static func == (lhs: ValueRule, rhs: ValueRule) -> Bool {
        lhs.noun == rhs.noun && lhs.hint == rhs.hint
    }

    public var description: String { noun }

    /// One of a few words, such as `text` or `json`.
    public static func choices(_ values: [String], noun: String) -> ValueRule {
        ValueRule(noun: noun, hint: "write \(either(values))") { values.contains($0) }
    }

    /// `a or b`, `a, b or c`: how messages list alternatives.
    static func either(_ words: [String]) -> String {
        words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
    }

    /// A duration written with ``DurationText`` (`30s`, `5m`, `24h`, `7d`) within `range`.
    public static func duration(_ range: ClosedRange<Duration>, noun: String, example: String) -> ValueRule {
        let bounds = "from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))"
        return ValueRule(noun: noun, hint: "write a number and a unit s, m, h or d, \(bounds), such as \(example)") {
            DurationText.parse($0).map(range.contains) ?? false
        }
    }

    /// A whole number within `range`, written in decimal digits.
    public static func integer(_ range: ClosedRange<Int>, noun: String) -> ValueRule {
        let bounds = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
        return ValueRule(noun: noun, hint: "write a whole number \(bounds)") { text in
            text.allSatisfy { $0.isASCII && $0.isNumber } && Int(text).map(range.contains) ?? false
        }
    }

    /// An absolute path (starting with `/`), such as a socket's.
    public static func absolutePath(example: String) -> ValueRule {
        ValueRule(noun: "an absolute path", hint: "give the full path, such as \(example)") { $0.hasPrefix("/") }
    }
}
