import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Asks an operator questions at a terminal, one line of input per answer, re-asking with a
/// clear message until the answer is usable. Every method returns nil when input ends (EOF,
/// Ctrl-D), so the caller can stop without saving anything.
///
/// Reading blocks: use a prompter from synchronous code (the executable's main thread), never
/// from Swift's shared async threads. Questions go to stderr by default so stdout stays clean
/// for the command's result.
///
///     let prompter = Prompter()
///     guard let area = prompter.ask("Locality of the incident") else { return }
///     guard let picked = prompter.choose("Channel", options: channels) else { return }
public final class Prompter {
    /// Returns the next line of input without its line ending, or nil at end of input.
    public typealias LineSource = () -> String?

    private let nextLine: LineSource
    private let write: (String) -> Void

    /// A prompter reading lines from `nextLine` and writing prompts with `write`.
    public init(nextLine: @escaping LineSource, write: @escaping (String) -> Void) {
        self.nextLine = nextLine
        self.write = write
    }

    /// A prompter on file handles: stdin and stderr by default.
    public convenience init(input: FileHandle = .standardInput, output: FileHandle = .standardError) {
        let inputDescriptor = input.fileDescriptor
        let outputDescriptor = output.fileDescriptor
        self.init(nextLine: { Self.readLine(from: inputDescriptor) },
                  write: { text in _ = SystemCall.writeAll(text, to: outputDescriptor) })
    }

    /// Writes `text` and a newline.
    public func say(_ text: String) {
        write(text + "\n")
    }

    /// Asks `question`; returns the trimmed answer, `defaultValue` (or "") for an empty one, or
    /// nil at end of input. Shown as `Question [default]: `.
    public func ask(_ question: String, default defaultValue: String? = nil) -> String? {
        let suffix = defaultValue.map { " [\($0)]" } ?? ""
        guard let answer = prompt("\(question)\(suffix): ") else { return nil }
        return answer.isEmpty ? defaultValue ?? "" : answer
    }

    /// Shows `options` numbered from 1 and asks for one (or, with `allowMultiple`, any number,
    /// separated by spaces or commas; an empty answer then means none). Accepts numbers or an
    /// option's value. Returns the chosen indexes into `options` (0-based, in the order typed,
    /// without repeats), or nil at end of input.
    public func choose(
        _ question: String, options: [(value: String, label: String)], allowMultiple: Bool = false
    ) -> [Int]? {
        precondition(!options.isEmpty, "choose(\(question)) needs at least one option")
        let range = "type a number from 1 to \(options.count)"
        say("\(question):")
        for (index, option) in options.enumerated() {
            say("  \(index + 1)) \(option.label)")
        }
        let request = allowMultiple
            ? "Type numbers from 1 to \(options.count), separated by spaces or commas (Enter for none): "
            : "Type a number from 1 to \(options.count): "
        while true {
            guard let answer = prompt(request) else { return nil }
            let words = answer.split { $0 == "," || $0 == " " || $0 == "\t" }.map(String.init)
            if words.isEmpty, allowMultiple { return [] }
            if words.isEmpty { say("nothing chosen; \(range)"); continue }
            if words.count > 1, !allowMultiple { say("choose only one; \(range)"); continue }
            var chosen: [Int] = []
            var invalid: String?
            for word in words {
                guard let index = Self.index(of: word, in: options) else {
                    invalid = word
                    break
                }
                if !chosen.contains(index) { chosen.append(index) }
            }
            if let invalid {
                say("\"\(invalid)\" is not a choice; \(range)")
                continue
            }
            return chosen
        }
    }

    /// Asks a yes/no question; accepts y, yes, n, no in any case, and an empty answer when
    /// there is a default. Shown as `Question [y/n]: ` (`[Y/n]`, `[y/N]` with a default).
    public func confirm(_ question: String, default defaultValue: Bool? = nil) -> Bool? {
        let choices = switch defaultValue {
        case .none: "y/n"
        case .some(true): "Y/n"
        case .some(false): "y/N"
        }
        while true {
            guard let answer = prompt("\(question) [\(choices)]: ")?.lowercased() else { return nil }
            switch answer {
            case "y", "yes": return true
            case "n", "no": return false
            case "" where defaultValue != nil: return defaultValue
            default: say(answer.isEmpty ? "Type y or n" : "\"\(answer)\" is not an answer; type y or n")
            }
        }
    }

    /// Writes `text` without a newline and reads the trimmed answer.
    private func prompt(_ text: String) -> String? {
        write(text)
        guard let line = nextLine() else {
            write("\n")
            return nil
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// A 1-based number in range, or an option's value (case-insensitive), as a 0-based index.
    private static func index(of word: String, in options: [(value: String, label: String)]) -> Int? {
        if let number = Int(word) {
            return (1...options.count).contains(number) ? number - 1 : nil
        }
        return options.firstIndex { $0.value.lowercased() == word.lowercased() }
    }

    /// Reads one line from `fd` a byte at a time (so nothing past the line is consumed);
    /// nil at end of input with nothing read. Strips `\n` and a preceding `\r`.
    static func readLine(from fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            switch SystemCall.retryingOnInterrupt({ read(fd, &byte, 1) }) {
            case .success(1) where byte == UInt8(ascii: "\n"):
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            case .success(1):
                bytes.append(byte)
            case .success, .failure:
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            }
        }
    }
}
