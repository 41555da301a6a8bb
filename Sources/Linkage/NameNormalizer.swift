import Foundation

/// A person's name in the form every laptop derives identically (Protocols/linkage-v1.md §4.1),
/// so that "Marie-Claire N'Zéyimana", "NZEYIMANA Marie Claire" and "nzeyimana  marie-claire"
/// give the same code and encoding.
///
/// The steps, in order, each linear in the input:
/// 1. Unicode NFKD (compatibility decomposition: `ﬁ` → `fi`, `é` → `e` + U+0301);
/// 2. every nonspacing, spacing or enclosing mark (general category Mn, Mc, Me) is dropped:
///    accents and Arabic vowel signs go;
/// 3. apostrophes (U+0027, U+2018, U+2019, U+02BC, U+0060, U+00B4) are dropped, joining their
///    neighbours (`N'Diaye` → `ndiaye`);
/// 4. letters are lowercased (Unicode default lowercase mapping), decimal digits kept, every
///    other scalar (spaces, hyphens, dots, commas, symbols) separates tokens;
/// 5. each token is folded: the letters of `letterFolds` replaced, then the digraphs of
///    `digraphFolds` left to right, then runs of one letter collapsed to one
///    (`Mohammed` → `mohamed`, `Moussa` → `musa`, `Djibril` → `jibril`, `Đorđević` → `jorjevic`);
/// 6. tokens are sorted by their UTF-8 bytes (given and family names in either order match)
///    and joined with one space.
///
/// Scripts are not transliterated into each other: a name written in Arabic script and the
/// same name in Latin script do not match (the operator is asked to write names in Latin
/// script, as the mission's forms do).
public enum NameNormalizer {
    /// Letters without a decomposition that have a usual Latin spelling.
    static let letterFolds: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "dj", "ł": "l", "ı": "i", "ð": "d",
        "þ": "th", "ŋ": "ng", "ɛ": "e", "ɔ": "o", "ƴ": "y", "ɓ": "b", "ɗ": "d",
    ]

    /// Transliteration variants folded to one spelling, applied left to right at each
    /// position, longest first: French and English spellings of the same sounds in African,
    /// Arabic and Balkan names (`Chadi`/`Shadi`, `Khalil`/`Kalil`, `Youssouf`/`Yusuf`).
    static let digraphFolds: [(from: [UInt8], to: [UInt8])] = [
        ("tsh", "ch"), ("ph", "f"), ("dj", "j"), ("sh", "ch"), ("kh", "k"), ("ck", "k"),
        ("ou", "u"), ("y", "i"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    static let apostrophes: Set<Unicode.Scalar> = ["\u{27}", "\u{2018}", "\u{2019}", "\u{2BC}", "\u{60}", "\u{B4}"]

    /// The normalised name, or nil when nothing of it is a letter or a digit.
    public static func normalize(_ name: String) -> String? {
        let tokens = self.tokens(name)
        guard !tokens.isEmpty else { return nil }
        return String(decoding: Array(tokens.joined(separator: [0x20])), as: UTF8.self)
    }

    /// The folded tokens of `name`, sorted (steps 1–6 without the final join), as UTF-8.
    static func tokens(_ name: String) -> [[UInt8]] {
        var splitter = TokenSplitter()
        for original in name.unicodeScalars {
            // Before decomposing: U+00B4 decomposes to a space and a combining accent.
            if apostrophes.contains(original) { continue }
            if original.isASCII {
                splitter.take(original)
                continue
            }
            // NFKD one scalar at a time: the marks canonical ordering would sort are all
            // dropped, so the result is the same as decomposing the whole name, and a hostile
            // run of marks costs linear time instead of the sort's quadratic time.
            for scalar in String(original).decomposedStringWithCompatibilityMapping.unicodeScalars {
                splitter.take(scalar)
            }
        }
        splitter.flush()
        return splitter.tokens.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Steps 2–5 over the decomposed scalars of a name.
    private struct TokenSplitter {
        var tokens: [[UInt8]] = []
        var current = String.UnicodeScalarView()

        mutating func take(_ scalar: Unicode.Scalar) {
            if apostrophes.contains(scalar) { return }  // before the letters: U+02BC is a modifier letter
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                return
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                for lower in properties.lowercaseMapping.unicodeScalars where !isMark(lower) {
                    if let folded = letterFolds[lower] { current.append(contentsOf: folded.unicodeScalars) } else { current.append(lower) }
                }
            case .decimalNumber:
                current.append(scalar)
            default:
                flush()
            }
        }

        mutating func flush() {
            if !current.isEmpty { tokens.append(fold(Array(String(current).utf8))) }
            current = String.UnicodeScalarView()
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Step 5 on one token: digraphs left to right, then doubled letters collapsed.
    static func fold(_ token: [UInt8]) -> [UInt8] {
        var replaced: [UInt8] = []
        replaced.reserveCapacity(token.count)
        var index = 0
        scan: while index < token.count {
            for rule in digraphFolds where token[index...].starts(with: rule.from) {
                replaced += rule.to
                index += rule.from.count
                continue scan
            }
            replaced.append(token[index])
            index += 1
        }
        // Collapse runs of one letter; scalars are compared whole (UTF-8 sequences), digits never.
        var out: [UInt8] = []
        out.reserveCapacity(replaced.count)
        var previous: ArraySlice<UInt8> = []
        var start = 0
        while start < replaced.count {
            var end = start + 1
            while end < replaced.count, replaced[end] & 0xC0 == 0x80 { end += 1 }
            let scalar = replaced[start..<end]
            if !(scalar.elementsEqual(previous) && !isDigit(scalar[start])) { out += scalar }
            previous = scalar
            start = end
        }
        return out
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}
