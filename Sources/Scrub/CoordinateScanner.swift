/// Positions written in the text: decimal degrees (`4.3612, 18.5550`, `-4.32 15.31`,
/// `4.3612°N 18.555°E`, `lat 4.36 long 18.55`) and degrees-minutes-seconds
/// (`4°21'40"N 18°33'20"E`, `N 4°21.5' E 18°33.3'`).
///
/// A pair of decimals is a position when both have two decimals or more and one has three, or
/// a degree sign, hemisphere or position word ("lat", "GPS") says so; one value alone is a
/// position only with a degree sign and a hemisphere or minutes. Linear: the scan resumes after
/// what it read.
enum CoordinateScanner {
    struct Component {
        var end: Int
        var decimals = 0
        var degree = false
        var minutes = false
        var hemisphere = false
    }

    static func scan(_ bytes: [UInt8], into spans: inout [Span]) {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            let candidate = TextBytes.isDigit(b) || b == 0x2D || b == 0x2B || b == 0x4E || b == 0x53 || b == 0x45 || b == 0x57 || b == 0x4F
            guard candidate, TextBytes.atWordStart(bytes, i), let first = component(bytes, at: i) else { i += 1; continue }
            let end = first.end
            if let second = secondComponent(bytes, after: first.end) {
                let decimalPair = first.decimals >= 2 && second.decimals >= 2
                    && (max(first.decimals, second.decimals) >= 3 || first.degree || second.degree
                        || first.hemisphere || second.hemisphere
                        || Lookback.lastEnd(of: Lookback.positionCues, in: Lookback.text(bytes, before: i)) >= 0)
                if decimalPair || (first.degree && second.degree) {
                    spans.append(Span(range: latitudeWord(bytes, before: i)..<second.end, kind: .coordinates))
                    i = second.end
                    continue
                }
            }
            if first.degree && (first.hemisphere || first.minutes) {
                spans.append(Span(range: i..<first.end, kind: .coordinates))
            }
            i = max(end, i + 1)
        }
    }

    /// Where a `lat`, `lat.` or `latitude` word written just before `i` starts (else `i`): the
    /// pair's words go with it (`lat 4.36 long 18.55`).
    static func latitudeWord(_ bytes: [UInt8], before i: Int) -> Int {
        for word in latitudeWords {
            for gap in [1, 2] {
                let start = i - gap - word.count
                guard start >= 0, ContactScanner.hasPrefix(bytes, start, word), TextBytes.atWordStart(bytes, start),
                      bytes[(start + word.count)..<i].allSatisfy({ $0 == 0x20 || $0 == 0x3A || $0 == 0x2E }) else { continue }
                return start
            }
        }
        return i
    }

    static let latitudeWords: [[UInt8]] = ["latitude", "lat"].map { Array($0.utf8) }
    static let longitudeWords: [[UInt8]] = ["longitude", "long", "lon", "lng"].map { Array($0.utf8) }

    /// The second value: after `,` `;` `/` or spaces, maybe "long", "lon", "longitude", "lng", ":".
    static func secondComponent(_ bytes: [UInt8], after end: Int) -> Component? {
        var j = end
        var sawSeparator = false
        while j < bytes.count, j - end < 16 {
            let b = bytes[j]
            if b == 0x20 || b == 0x2C || b == 0x3B || b == 0x2F || b == 0x3A || b == 0x3D { sawSeparator = true; j += 1; continue }
            if let word = longitudeWords.first(where: { ContactScanner.hasPrefix(bytes, j, $0) }) {
                j += word.count; sawSeparator = true; continue
            }
            break
        }
        guard sawSeparator, j < bytes.count else { return nil }
        return component(bytes, at: j)
    }

    /// One latitude or longitude starting at `i`.
    static func component(_ bytes: [UInt8], at start: Int) -> Component? {
        let n = bytes.count
        var i = start
        var c = Component(end: start)
        if isHemisphere(bytes, i) {
            i += 1
            while i < n, bytes[i] == 0x20 { i += 1 }
            c.hemisphere = true
        }
        if i < n, bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        let whole = digits(bytes, &i)
        guard (1...3).contains(whole) else { return nil }
        if i + 1 < n, bytes[i] == 0x2E, TextBytes.isDigit(bytes[i + 1]) {
            i += 1
            c.decimals = digits(bytes, &i)
        }
        if degreeSign(bytes, i) > 0 {
            i += degreeSign(bytes, i)
            c.degree = true
            var j = i
            while j < n, bytes[j] == 0x20 { j += 1 }
            if digits(bytes, &j) > 0 {
                if j + 1 < n, bytes[j] == 0x2E, TextBytes.isDigit(bytes[j + 1]) { j += 1; _ = digits(bytes, &j) }
                if minuteSign(bytes, j) > 0 {
                    i = j + minuteSign(bytes, j)
                    c.minutes = true
                    var k = i
                    while k < n, bytes[k] == 0x20 { k += 1 }
                    if digits(bytes, &k) > 0 {
                        if k + 1 < n, bytes[k] == 0x2E, TextBytes.isDigit(bytes[k + 1]) { k += 1; _ = digits(bytes, &k) }
                        if secondSign(bytes, k) > 0 { i = k + secondSign(bytes, k) }
                    }
                }
            }
        }
        c.end = i
        if !c.hemisphere {
            var j = i
            while j < n, j - i < 2, bytes[j] == 0x20 { j += 1 }
            if isHemisphere(bytes, j) { c.hemisphere = true; c.end = j + 1 }
        }
        return c
    }

    private static func digits(_ bytes: [UInt8], _ i: inout Int) -> Int {
        let start = i
        while i < bytes.count, TextBytes.isDigit(bytes[i]) { i += 1 }
        return i - start
    }

    /// N, S, E, W or O (ouest) standing alone.
    private static func isHemisphere(_ bytes: [UInt8], _ i: Int) -> Bool {
        guard i < bytes.count, [0x4E, 0x53, 0x45, 0x57, 0x4F].contains(bytes[i]) else { return false }
        return i + 1 == bytes.count || !(TextBytes.isASCIILetter(bytes[i + 1]) || bytes[i + 1] >= 0x80)
    }

    /// `°` (C2 B0) or `º` (C2 BA): its byte length, or 0.
    private static func degreeSign(_ bytes: [UInt8], _ i: Int) -> Int {
        i + 1 < bytes.count && bytes[i] == 0xC2 && (bytes[i + 1] == 0xB0 || bytes[i + 1] == 0xBA) ? 2 : 0
    }

    /// `'`, `’` (E2 80 99) or `′` (E2 80 B2).
    private static func minuteSign(_ bytes: [UInt8], _ i: Int) -> Int {
        guard i < bytes.count else { return 0 }
        if bytes[i] == 0x27 { return 1 }
        if i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x80, bytes[i + 2] == 0x99 || bytes[i + 2] == 0xB2 { return 3 }
        return 0
    }

    /// `"`, `''`, `”` (E2 80 9D) or `″` (E2 80 B3).
    private static func secondSign(_ bytes: [UInt8], _ i: Int) -> Int {
        guard i < bytes.count else { return 0 }
        if bytes[i] == 0x22 { return 1 }
        if i + 1 < bytes.count, bytes[i] == 0x27, bytes[i + 1] == 0x27 { return 2 }
        if i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x80, bytes[i + 2] == 0x9D || bytes[i + 2] == 0xB3 { return 3 }
        return 0
    }
}
