import Scrub

/// One narrative of the labelled corpus: the text, every identifier in it marked with its
/// kind and byte range, and the victim's identifiers the intake would carry.
public struct LabelledNarrative: Sendable {
    public struct Label: Sendable {
        public let kind: ScrubKind
        public let range: Range<Int>
    }

    public let text: String
    public let labels: [Label]
    public let identifiers: [PersonIdentifiers]

    /// Reads `{{KIND:text}}` markup (KIND one of NAME, PHONE, EMAIL, ID, COORDINATES, ADDRESS,
    /// URL, DOB); everything else is taken as written.
    public init(markup: String, identifiers: [PersonIdentifiers] = []) {
        var out: [UInt8] = []
        var labels: [Label] = []
        let bytes = Array(markup.utf8)
        var i = 0
        while i < bytes.count {
            if i + 1 < bytes.count, bytes[i] == 0x7B, bytes[i + 1] == 0x7B,
               let colon = bytes[(i + 2)...].firstIndex(of: 0x3A),
               let kind = Self.kinds[String(decoding: bytes[(i + 2)..<colon], as: UTF8.self)],
               let close = Self.find([0x7D, 0x7D], in: bytes, from: colon + 1) {
                let start = out.count
                out += bytes[(colon + 1)..<close]
                labels.append(Label(kind: kind, range: start..<out.count))
                i = close + 2
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        self.text = String(decoding: out, as: UTF8.self)
        self.labels = labels
        self.identifiers = identifiers
    }

    static let kinds: [String: ScrubKind] = [
        "NAME": .name, "PHONE": .phone, "EMAIL": .email, "ID": .id, "COORDINATES": .coordinates,
        "ADDRESS": .address, "URL": .url, "DOB": .dateOfBirth,
    ]

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// The text with every labelled span replaced by its placeholder: what a perfect scrubber gives.
    public var expected: String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        for label in labels.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            out += bytes[i..<label.range.lowerBound]
            out += label.kind.placeholder.utf8
            i = label.range.upperBound
        }
        out += bytes[i...]
        return String(decoding: out, as: UTF8.self)
    }
}
