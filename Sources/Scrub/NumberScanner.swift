/// Runs of digit groups: phone numbers, ID numbers (by the cue before them) and numeric dates
/// of birth.
///
/// A run is digit groups joined by at most three separator bytes (space, `.`, `-`, `/`, `(`,
/// `)`), optionally after `+` or `(`: `+236 75 12 34 56`, `(00243) 81-234-5678`, `0912.345.678`.
/// It is a phone number when it has at least 8 digits (the national numbers of the mission
/// countries have 7 to 10; with a country code 10 to 13), or 7 starting with a trunk `0`, or
/// when its last digits are those of the victim's phone; not when it has the shape of a date
/// or is an amount followed by a currency. A run after an ID cue ("passport", "n°", "matricule")
/// closer than any phone cue is an ID from 4 digits. A date is a date of birth when it is the
/// victim's or follows a birth cue. Linear: each run is read once and the scan resumes after it.
enum NumberScanner {
    struct Run {
        var start: Int
        var end: Int
        var digits: [UInt8] = []
        var groups: [Int] = []
        var separators: [UInt8] = []
        var international = false
    }

    static let currencies: Set<WordKey> = Set(words: ["fcfa", "cfa", "xaf", "francs", "franc", "fc", "cdf", "usd", "dollars", "dollar",
        "lbp", "livres", "gourdes", "htg", "shillings", "ssp", "sos", "sdg", "dinars", "dirhams", "mad", "euros", "eur",
        "f", "km", "kg", "m", "metres", "meters", "people", "personnes", "ans", "years"])

    static func scan(_ bytes: [UInt8], identifiers: IdentifierMatcher, into spans: inout [Span]) {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            let startsRun = TextBytes.isDigit(b)
                || ((b == 0x2B || b == 0x28) && i + 1 < n && (TextBytes.isDigit(bytes[i + 1]) || bytes[i + 1] == 0x2B
                    || (bytes[i + 1] == 0x20 && i + 2 < n && TextBytes.isDigit(bytes[i + 2]))))
            // After a hyphen inside a word (P-0123456, BANBAT-7) the digits belong to that word.
            let afterJoiner = i >= 2 && (bytes[i - 1] == 0x2D || bytes[i - 1] == 0x27)
                && (TextBytes.isASCIILetter(bytes[i - 2]) || TextBytes.isDigit(bytes[i - 2]))
            guard startsRun, !afterJoiner, TextBytes.atWordStart(bytes, i) else {
                // Skip the rest of a word so digits inside it (AB123456) are left to the word pass.
                if TextBytes.isASCIILetter(b) || b >= 0x80 {
                    while i < n, TextBytes.isASCIILetter(bytes[i]) || TextBytes.isDigit(bytes[i]) || bytes[i] >= 0x80 { i += 1 }
                } else {
                    i += 1
                }
                continue
            }
            let run = read(bytes, from: i)
            i = max(run.end, i + 1)
            // A run glued to letters (14h30, 2nd, 3kg) is not a number of its own.
            if run.end < n, TextBytes.isASCIILetter(bytes[run.end]) || bytes[run.end] >= 0x80 {
                while i < n, TextBytes.isASCIILetter(bytes[i]) || TextBytes.isDigit(bytes[i]) || bytes[i] >= 0x80 { i += 1 }
                if run.digits.count < 8 { continue }
            }
            if let kind = classify(run, bytes: bytes, identifiers: identifiers) {
                spans.append(Span(range: run.start..<run.end, kind: kind))
            }
        }
    }

    static func read(_ bytes: [UInt8], from start: Int) -> Run {
        var run = Run(start: start, end: start)
        var i = start
        let n = bytes.count
        while i < n, bytes[i] == 0x2B || bytes[i] == 0x28 || bytes[i] == 0x20 {
            if bytes[i] == 0x2B { run.international = true }
            i += 1
        }
        while i < n, TextBytes.isDigit(bytes[i]) {
            var length = 0
            while i < n, TextBytes.isDigit(bytes[i]) { run.digits.append(bytes[i]); length += 1; i += 1 }
            run.groups.append(length)
            run.end = i
            // Separators up to the next group: at most three, no line break.
            var j = i, separator: UInt8 = 0x20, count = 0
            while j < n, count < 3, isSeparator(bytes[j]) {
                if bytes[j] != 0x20 { separator = bytes[j] }
                j += 1; count += 1
            }
            guard count > 0, j < n, TextBytes.isDigit(bytes[j]) else { break }
            run.separators.append(separator)
            i = j
        }
        if run.digits.first == 0x30, run.digits.count > 1, run.digits[1] == 0x30 { run.international = true }
        return run
    }

    static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x2E || b == 0x2D || b == 0x2F || b == 0x28 || b == 0x29
    }

    static func classify(_ run: Run, bytes: [UInt8], identifiers: IdentifierMatcher) -> ScrubKind? {
        let d = run.digits.count
        let before = Lookback.text(bytes, before: run.start)
        if let date = date(run) {
            if identifiers.isDateOfBirth(date) || Lookback.lastEnd(of: Lookback.birthCues, in: before) >= 0 { return .dateOfBirth }
            return nil
        }
        if identifiers.isPhone(run.digits) { return .phone }
        if isAmount(run, bytes: bytes) { return nil }
        let idCue = Lookback.lastEnd(of: Lookback.idCues, in: before)
        let phoneCue = Lookback.lastEnd(of: Lookback.phoneCues, in: before)
        if idCue > phoneCue, d >= 4 { return .id }
        if d >= 8 || (d == 7 && run.digits.first == 0x30) || (phoneCue >= 0 && d >= 7) { return .phone }
        return nil
    }

    /// `d/m/y`, `d.m.y`, `d-m-y` or `y-m-d` with one separator throughout: (year, month, day).
    static func date(_ run: Run) -> [DayDate]? {
        guard run.groups.count == 3, let s = run.separators.first, s != 0x20, run.separators.allSatisfy({ $0 == s }) else { return nil }
        var values: [Int] = []
        var k = 0
        for g in run.groups {
            values.append(run.digits[k..<(k + g)].reduce(0) { $0 * 10 + Int($1 - 0x30) })
            k += g
        }
        if run.groups[0] == 4, run.groups[1] <= 2, run.groups[2] <= 2 { return [DayDate(year: values[0], month: values[1], day: values[2])] }
        if run.groups[0] <= 2, run.groups[1] <= 2, run.groups[2] == 4 || run.groups[2] == 2 {
            let year = run.groups[2] == 2 ? 1900 + values[2] + (values[2] < 40 ? 100 : 0) : values[2]
            return [DayDate(year: year, month: values[1], day: values[0]), DayDate(year: year, month: values[0], day: values[1])]
        }
        return nil
    }

    /// Thousands groups (`1 500 000`) or any run followed by a currency or unit word.
    static func isAmount(_ run: Run, bytes: [UInt8]) -> Bool {
        var j = run.end
        while j < bytes.count, bytes[j] == 0x20 { j += 1 }
        var k = j
        while k < bytes.count, TextBytes.isASCIILetter(bytes[k]) { k += 1 }
        if k > j, currencies.contains(bytes[j..<k].map { $0 | 0x20 }) { return true }
        if j < bytes.count, bytes[j] == 0x24 || (run.start > 0 && bytes[run.start - 1] == 0x24) { return true }  // $
        let thousands = run.groups.count >= 2 && run.groups[0] <= 3 && run.groups.dropFirst().allSatisfy { $0 == 3 }
            && run.digits.first != 0x30 && !run.international
        return thousands && run.digits.count < 8
    }
}
