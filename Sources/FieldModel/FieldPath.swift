/// A per-field path such as `victims[1].ageBand` or `incident.coordinates.lat`.
///
/// Invariants:
/// 1. Grammar: `key ( "[" digits "]" )? ( "." key ( "[" digits "]" )? )*`, a key being a
///    non-empty run of characters other than `.`, `[` and `]`.
/// 2. `text` round-trips: `FieldPath(parsing: p)?.text == p` for every path that parses.
/// 3. `pattern` is the path with every index written `[]`, e.g. `victims[].ageBand`.
struct FieldPath: Hashable, Sendable {
    enum Segment: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    let segments: [Segment]

    init(_ segments: [Segment]) { self.segments = segments }

    /// Parses a path; nil if it breaks the grammar.
    init?(parsing text: String) {
        var segments: [Segment] = []
        var rest = Substring(text)
        while true {
            let end = rest.firstIndex { $0 == "." || $0 == "[" || $0 == "]" } ?? rest.endIndex
            guard end > rest.startIndex else { return nil }
            segments.append(.key(String(rest[..<end])))
            rest = rest[end...]
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let digits = rest[rest.index(after: rest.startIndex)..<close]
                guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let index = Int(digits), String(index) == digits else { return nil }
                segments.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            if rest.isEmpty { break }
            guard rest.first == "." else { return nil }
            rest = rest.dropFirst()
        }
        self.segments = segments
    }

    var text: String { render(indices: true) }
    var pattern: String { render(indices: false) }

    private func render(indices: Bool) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .key(let key): out += (out.isEmpty ? "" : ".") + key
            case .index(let i): out += indices ? "[\(i)]" : "[]"
            }
        }
        return out
    }
}
