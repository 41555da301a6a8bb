/// Linear-time checks for code that reads untrusted text (issue 14).
///
/// Swift compares and hashes `String`s by their canonical (normalised) form, and normalising one
/// grapheme cluster costs time quadratic in its length. `HostileText.cluster` builds such a
/// cluster; `LinearTime.check` times it against plain ASCII of the same byte size and passes when
/// the hostile input costs at most `factor` times the plain one plus `slack`.
public enum HostileText {
    /// The combining marks the cluster cycles through, each 2 UTF-8 bytes and each of another
    /// canonical combining class (230, 220, 1, 240): normalising must reorder them, which is
    /// what makes Swift's String hashing and comparison quadratic. (A run of one mark, such as
    /// U+0301 alone, needs no reordering and stays fast.)
    public static let marks: [Unicode.Scalar] = ["\u{301}", "\u{316}", "\u{334}", "\u{345}"]

    /// One grapheme cluster: "a" followed by `marks` combining marks (1 + 2 × `marks` UTF-8 bytes).
    public static func cluster(marks count: Int) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append("a")
        for i in 0..<count { scalars.append(marks[i % marks.count]) }
        return String(scalars)
    }

    /// ASCII letters of the same UTF-8 byte count as `text`.
    public static func plain(matching text: String) -> String {
        String(repeating: "a", count: text.utf8.count)
    }
}

public enum LinearTime {
    /// The times measured and whether the hostile one was within the bound.
    public struct Result: CustomStringConvertible, Sendable {
        public let hostile: Duration
        public let plain: Duration
        public let bound: Duration
        public var isLinear: Bool { hostile <= bound }
        public var description: String {
            "hostile \(Self.ms(hostile)) ms, plain \(Self.ms(plain)) ms, bound \(Self.ms(bound)) ms"
        }

        static func ms(_ d: Duration) -> String {
            let (seconds, attoseconds) = d.components
            let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
            return "\(micros / 1000).\(String(micros % 1000 + 1000).dropFirst())"
        }
    }

    /// Times `plain` (fastest of 5 runs), then `hostile` up to 3 times, keeping the fastest and
    /// stopping as soon as one run is within `factor` × plain + `slack`. A quadratic `hostile`
    /// thus fails after one slow run instead of three.
    public static func check(factor: Int = 20, slack: Duration = .milliseconds(50),
                             hostile: () async -> Void, plain: () async -> Void) async -> Result {
        let clock = ContinuousClock()
        var plainTime = Duration.seconds(3600)
        for _ in 0..<5 { plainTime = min(plainTime, await clock.measure { await plain() }) }
        let bound = plainTime * factor + slack
        var hostileTime = Duration.seconds(3600)
        for _ in 0..<3 {
            hostileTime = min(hostileTime, await clock.measure { await hostile() })
            if hostileTime <= bound { break }
        }
        return Result(hostile: hostileTime, plain: plainTime, bound: bound)
    }
}
