import Foundation

/// A systemd unit file read just far enough for cross-checks: `Key=Value` lines by section,
/// comments and blank lines skipped (no line continuations: our units use none).
struct UnitFile {
    let name: String
    let text: String
    private let entries: [(section: String, key: String, value: String)]

    init(name: String, text: String) {
        self.name = name
        self.text = text
        var section = ""
        var entries: [(section: String, key: String, value: String)] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            entries.append((section, String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        self.entries = entries
    }

    /// Every value given to `key` in `section`, in order.
    func values(_ key: String, in section: String = "Service") -> [String] {
        entries.filter { $0.section == section && $0.key == key }.map(\.value)
    }

    /// The last value given to `key` in `section` (systemd's rule for single-valued settings).
    func value(_ key: String, in section: String = "Service") -> String? {
        values(key, in: section).last
    }

    /// The unit's text with the binary of `ExecStart=` replaced by `executable` (for
    /// `systemd-analyze verify`, which insists the binary exists); arguments are kept.
    func withExecStartBinary(_ executable: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("ExecStart=") else { return String(line) }
            let command = line.dropFirst("ExecStart=".count)
            let arguments = command.firstIndex(of: " ").map { command[$0...] } ?? ""
            return "ExecStart=\(executable)\(arguments)"
        }.joined(separator: "\n")
    }
}
