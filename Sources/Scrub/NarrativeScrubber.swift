/// Replaces the identifiers in a narrative by typed placeholders before it is stored
/// (DESIGN.md "Security and privacy"; issue 16 "Scrubbed before sealing").
///
/// What is replaced: phone numbers (local and international writing of the mission countries),
/// e-mail addresses, web addresses, ID and passport numbers, positions (decimal and DMS),
/// street addresses, the victim's own identifiers wherever and however they appear (any case,
/// accents, hyphens, order, one part alone; their date of birth in any writing) and other
/// people's names introduced by a cue word ("her uncle", "a man called", "Mr.", "Mme",
/// "un certain", "Sgt" …), with their later mentions. Neighbourhoods (`quartier PK5`) and
/// localities are kept: they are the level of `incident.area`.
///
/// Invariants:
/// 1. Every byte outside a replaced span is copied unchanged, in order; a replaced span becomes
///    exactly its kind's placeholder. Spans never overlap; where two detections overlap the
///    higher `ScrubKind.rank` takes the overlapping bytes.
/// 2. Time is linear in the UTF-8 length of the input: each detector reads the text once with
///    bounded look-behind, words are folded only up to `Folding.maxBytes`, and matching compares
///    bytes, never `String`s (a hostile run of combining marks costs what plain text costs).
/// 3. The result names kinds and byte ranges, never the replaced text.
public struct NarrativeScrubber: Sendable {
    private let identifiers: [PersonIdentifiers]

    /// - Parameter identifiers: the report's `victims[].identifiers`, read for matching only.
    public init(identifiers: [PersonIdentifiers] = []) {
        self.identifiers = identifiers
    }

    public func scrub(_ text: String) -> ScrubResult {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return ScrubResult(text: text, replacements: []) }
        let matcher = IdentifierMatcher(identifiers)
        var spans: [Span] = []
        ContactScanner.scan(bytes, into: &spans)
        NumberScanner.scan(bytes, identifiers: matcher, into: &spans)
        CoordinateScanner.scan(bytes, into: &spans)
        var words = WordPass(bytes: bytes, tokens: Token.tokens(bytes), identifiers: matcher)
        words.run()
        spans += words.spans
        return Self.replace(bytes, spans)
    }

    /// Paints each span's rank over its bytes (higher ranks last win), then copies the text with
    /// each painted run replaced by its placeholder. Name runs separated only by spaces or tabs
    /// (`[NAME] [NAME]` for one person) become one.
    static func replace(_ bytes: [UInt8], _ spans: [Span]) -> ScrubResult {
        guard !spans.isEmpty else { return ScrubResult(text: String(decoding: bytes, as: UTF8.self), replacements: []) }
        var paint = [UInt8](repeating: 0, count: bytes.count)
        for rank in 1...UInt8(ScrubKind.byRank.count - 1) {
            for span in spans where span.kind.rank == rank {
                for i in span.range { paint[i] = max(paint[i], rank) }
            }
        }
        // One name, not two: fill spaces between two name runs on the same line.
        let nameRank = ScrubKind.name.rank
        var i = 0
        while i < bytes.count {
            guard paint[i] == nameRank else { i += 1; continue }
            var j = i
            while j < bytes.count, paint[j] == nameRank { j += 1 }
            var k = j
            while k < bytes.count, k - j < 2, paint[k] == 0, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
            if k > j, k < bytes.count, paint[k] == nameRank { for m in j..<k { paint[m] = nameRank } }
            i = k > j ? k : j
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var replacements: [ScrubResult.Replacement] = []
        i = 0
        while i < bytes.count {
            let rank = paint[i]
            guard rank != 0, let kind = ScrubKind.byRank[Int(rank)] else { out.append(bytes[i]); i += 1; continue }
            var j = i
            while j < bytes.count, paint[j] == rank { j += 1 }
            let start = out.count
            out += kind.placeholder.utf8
            replacements.append(.init(kind: kind, original: i..<j, scrubbed: start..<out.count))
            i = j
        }
        return ScrubResult(text: String(decoding: out, as: UTF8.self), replacements: replacements)
    }
}
