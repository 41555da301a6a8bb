/// Case and accent folding for matching names and cue words, on UTF-8 bytes.
///
/// Matching compares folded bytes, never `String`s: Swift compares and hashes strings by their
/// canonical form, which costs time quadratic in the length of a grapheme cluster (issue 14),
/// and a narrative is untrusted text. Folding is a per-scalar table: ASCII is lowercased, the
/// Latin letters of Latin-1 and Latin Extended-A lose their accents (`é` → `e`, `Ł` → `l`,
/// `œ` → `oe`), combining marks are dropped (so `e` + U+0301 folds like `é`), apostrophes and
/// hyphens are dropped (`N'Diaye` ~ `Ndiaye`, `Jean-Baptiste` ~ `JeanBaptiste`), and other
/// letters are lowercased by their Unicode mapping.
enum Folding {
    /// Tokens longer than this are not folded: no name or cue word is that long, and it bounds
    /// the cost of a hostile token.
    static let maxBytes = 64

    /// Latin Extended-A (U+0100 … U+017F), one base letter each (Ĳ, Œ are handled apart).
    private static let extendedA: [UInt8] = Array(
        ("aaaaaa" + "cccccccc" + "dddd" + "eeeeeeeeee" + "gggggggg" + "hhhh" + "iiiiiiiiii" + "ii" + "jj" + "kkk"
         + "llllllllll" + "nnnnnnnnn" + "oooooo" + "oo" + "rrrrrr" + "ssssssss" + "tttttt" + "uuuuuuuuuuuu" + "ww"
         + "yyy" + "zzzzzz" + "s").utf8)

    /// Latin-1 letters U+00C0 … U+00FF; 0 where the scalar is not a letter to fold to ASCII.
    private static let latin1: [UInt8] = Array(
        ("aaaaaa" + "_" + "c" + "eeee" + "iiii" + "dn" + "ooooo" + "_" + "o" + "uuuu" + "y" + "_" + "_"
         + "aaaaaa" + "_" + "c" + "eeee" + "iiii" + "dn" + "ooooo" + "_" + "o" + "uuuu" + "y" + "_" + "y").utf8)

    /// The folded form of `bytes[range]`, or nil when the range is longer than `maxBytes`.
    static func fold(_ bytes: [UInt8], _ range: Range<Int>) -> [UInt8]? {
        guard range.count <= maxBytes else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let (scalar, length) = TextBytes.scalar(bytes, at: i)
            i += length
            append(scalar, to: &out)
        }
        return out
    }

    /// Whether `scalar` is dropped by folding (apostrophes, hyphens, combining marks).
    static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x27, 0x2D, 0x2019, 0x2018, 0x02BC, 0x2010, 0x2011: return true
        case 0x0300...0x036F: return true
        default:
            guard scalar.value >= 0x80 else { return false }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return false
            }
        }
    }

    private static func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        if v < 0x80 {
            if isIgnorable(scalar) { return }
            let b = UInt8(v)
            out.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            return
        }
        if isIgnorable(scalar) { return }
        switch v {
        case 0xDF: out += [0x73, 0x73]  // ß
        case 0xC6, 0xE6: out += [0x61, 0x65]  // æ
        case 0x152, 0x153: out += [0x6F, 0x65]  // œ
        case 0xC0...0xFF where latin1[Int(v - 0xC0)] != 0x5F: out.append(latin1[Int(v - 0xC0)])
        case 0x100...0x17F: out.append(extendedA[Int(v - 0x100)])
        default:
            let lower = scalar.properties.lowercaseMapping
            out += lower.utf8
        }
    }

    /// `bytes` with every run of one repeated letter collapsed to one (`Marriama` ~ `Mariama`).
    static func collapsed(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes where out.last != b || b >= 0x80 { out.append(b) }
        return out
    }

    /// Whether `a` and `b` are at most one insertion, deletion or substitution apart (linear).
    static func withinOneEdit(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if abs(a.count - b.count) > 1 { return false }
        var i = 0, j = 0, edits = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { i += 1; j += 1; continue }
            edits += 1
            if edits > 1 { return false }
            if a.count > b.count { i += 1 } else if b.count > a.count { j += 1 } else { i += 1; j += 1 }
        }
        return edits + (a.count - i) + (b.count - j) <= 1
    }
}
