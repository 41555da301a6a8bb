/// The detections that read words: the victim's names, names after cue words (and their later
/// mentions), street addresses, ID numbers with letters (`AB1234567`) and dates of birth
/// written with a month name. One pass over the tokens, then one more for the names learned
/// in the first; each token is looked at a bounded number of times, so the pass is linear.
struct WordPass {
    let bytes: [UInt8]
    let tokens: [Token]
    let identifiers: IdentifierMatcher
    private(set) var spans: [Span] = []
    private var learned = IdentifierMatcher([])

    init(bytes: [UInt8], tokens: [Token], identifiers: IdentifierMatcher) {
        self.bytes = bytes
        self.tokens = tokens
        self.identifiers = identifiers
    }

    mutating func run() {
        var k = 0
        while k < tokens.count {
            let t = tokens[k]
            if t.isWord, identifiers.isName(t, in: bytes) || isParticleOfName(k) { spans.append(Span(range: t.range, kind: .name)) }
            if let end = cueName(after: k) { k = end + 1; continue }
            street(at: k)
            idWithLetters(at: k)
            birthDate(at: k)
            k += 1
        }
        guard !learned.nameKeys.isEmpty else { return }
        for t in tokens where t.isWord && t.capitalized && learned.isName(t, in: bytes) {
            spans.append(Span(range: t.range, kind: .name))
        }
    }

    /// `El` in `El Idrissi`, `ould` in `ould cheikh`: a particle of the victim's name, before
    /// a part of it.
    private func isParticleOfName(_ k: Int) -> Bool {
        guard tokens[k].classes.contains(.particle), let key = tokens[k].key, identifiers.particles.contains(key), k + 1 < tokens.count,
              isSpaceGap(tokens[k].end, tokens[k + 1].start) else { return false }
        return tokens[k + 1].isWord && identifiers.isName(tokens[k + 1], in: bytes)
    }

    // MARK: Names after cue words

    /// If token `k` is a cue followed by a name, marks the name and returns its last token.
    private mutating func cueName(after k: Int) -> Int? {
        let t = tokens[k]
        guard t.isWord, let key = t.key, k + 1 < tokens.count else { return nil }
        let previous = k > 0 ? tokens[k - 1].key : nil
        let isCue: Bool
        if key == [0x6D] { isCue = t.capitalized && t.end < bytes.count && bytes[t.end] == 0x2E }  // M.
        else if t.classes.contains(.pairSecond), let firsts = CueWords.pairs[key] { isCue = previous.map(firsts.contains) ?? false }
        else { isCue = !t.classes.isDisjoint(with: .cue) }
        let abbreviation = key == [0x6D] || t.classes.contains(.title)
        guard isCue, gapAfterCue(t.end, tokens[k + 1].start, dot: abbreviation), isNameLike(k + 1, first: true) else { return nil }
        var last = k + 1
        var count = 1
        var j = k + 2
        while j < tokens.count, count < 4 {
            guard isSpaceGap(tokens[j - 1].end, tokens[j].start) || isInitialGap(j - 1) else { break }
            if isNameLike(j, first: false) { last = j; count += 1; j += 1; continue }
            // A particle before a further part (`de Villiers`), not before a unit (`de NEPBATT`).
            if !tokens[j].capitalized, tokens[j].classes.contains(.particle), j + 1 < tokens.count,
               isSpaceGap(tokens[j].end, tokens[j + 1].start), !tokens[j + 1].allCaps, isNameLike(j + 1, first: false) {
                last = j + 1; count += 1; j += 2; continue
            }
            break
        }
        spans.append(Span(range: tokens[k + 1].start..<tokens[last].end, kind: .name))
        for i in (k + 1)...last where tokens[i].letters >= 2 {
            if let key = tokens[i].key, !tokens[i].classes.contains(.particle) { learned.add(key: key) }
        }
        return last
    }

    /// A capitalised word that is not a sentence word or an institution, or an initial (`K.`);
    /// a title (`Cheikh`, `Major`) only after a first part of the name.
    private func isNameLike(_ j: Int, first: Bool) -> Bool {
        let t = tokens[j]
        guard t.isWord, t.capitalized, t.key != nil else { return false }
        if t.letters == 1 { return t.end < bytes.count && bytes[t.end] == 0x2E }
        return !t.classes.contains(.notName) && !(first && t.classes.contains(.title)) && !t.classes.contains(.month)
    }

    /// Between a cue and its name: spaces, with a comma, colon, quote or opening parenthesis,
    /// or the dot of an abbreviated title (`Mr.`; after any other word a dot ends the sentence).
    private func gapAfterCue(_ from: Int, _ to: Int, dot: Bool) -> Bool {
        guard to > from, to - from <= 6 else { return false }
        var sawSpace = false
        for (offset, b) in bytes[from..<to].enumerated() {
            switch b {
            case 0x20, 0x09: sawSpace = true
            case 0x2E: if !dot || offset > 0 { return false }
            case 0x2C, 0x3A, 0x22, 0x27, 0x28: continue
            case 0xC2, 0xAB, 0xA0, 0xE2, 0x80, 0x9C: continue  // « and “ (UTF-8), no-break space
            default: return false
            }
        }
        return sawSpace || bytes[from..<to].contains(0xA0)
    }

    /// One or two spaces or tabs between two tokens.
    private func isSpaceGap(_ from: Int, _ to: Int) -> Bool {
        to > from && to - from <= 2 && bytes[from..<to].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// `K. Mensah`: an initial, its dot and a space.
    private func isInitialGap(_ j: Int) -> Bool {
        let t = tokens[j]
        guard t.letters == 1, j + 1 < tokens.count else { return false }
        let next = tokens[j + 1].start
        return next - t.end == 2 && bytes[t.end] == 0x2E && bytes[t.end + 1] == 0x20
    }

    // MARK: Street addresses

    /// `12 rue Lamothe`, `12, avenue de l'Indépendance`, `avenue Boganda`, `45 Kenyatta Road`.
    private mutating func street(at k: Int) {
        let t = tokens[k]
        guard t.isWord, !t.classes.isDisjoint(with: [.streetBefore, .streetAfter]) else { return }
        if t.classes.contains(.streetBefore), let last = streetName(after: k) {
            var first = k
            if k > 0, isHouseNumber(k - 1), houseGap(tokens[k - 1].end, t.start) { first = k - 1 }
            spans.append(Span(range: tokens[first].start..<tokens[last].end, kind: .address))
            return
        }
        guard t.classes.contains(.streetAfter), t.capitalized || k > 0 && tokens[k - 1].capitalized else { return }
        var first = k
        var names = 0
        var scanned = k
        while scanned > 0, k - scanned < 5, isSpaceGap(tokens[scanned - 1].end, tokens[scanned].start) {
            let p = tokens[scanned - 1]
            guard p.isWord, p.key != nil else { break }
            if p.capitalized && !p.classes.contains(.notName) || startsWithElision(p) {
                names += 1
                first = scanned - 1
            } else if !p.classes.contains(.streetConnector) {
                break
            }
            scanned -= 1
        }
        guard names > 0 else { return }
        // A connector before the first capitalised word belongs to the name (`du Commerce Street`).
        while first > 0, isSpaceGap(tokens[first - 1].end, tokens[first].start),
              tokens[first - 1].classes.contains(.streetConnector), first - 1 >= scanned { first -= 1 }
        if first > 0, isHouseNumber(first - 1), houseGap(tokens[first - 1].end, tokens[first].start) { first -= 1 }
        spans.append(Span(range: tokens[first].start..<t.end, kind: .address))
    }

    /// The last token of a street's name after the street word, or nil when none follows.
    private func streetName(after k: Int) -> Int? {
        var last: Int?
        var j = k + 1
        var from = tokens[k].end
        if from < bytes.count, bytes[from] == 0x2E { from += 1 }  // av., bd.
        while j < tokens.count, j - k <= 6 {
            let u = tokens[j]
            guard isSpaceGap(from, u.start), u.key != nil else { break }
            if u.capitalized || u.digits > 0 && u.letters <= 3 || startsWithElision(u) {
                last = j
            } else if !u.classes.contains(.streetConnector) {
                break
            }
            from = u.end
            j += 1
        }
        return last
    }

    /// `l'Indépendance`, `d'Italie`: an elided article before a capital.
    private func startsWithElision(_ t: Token) -> Bool {
        guard t.end - t.start >= 3, bytes[t.start + 1] == 0x27 || bytes[t.start + 1] == 0xE2 else { return false }
        let after = bytes[t.start + 1] == 0x27 ? t.start + 2 : t.start + 4
        return after < t.end && TextBytes.isUppercase(TextBytes.scalar(bytes, at: after).0)
    }

    private func isHouseNumber(_ j: Int) -> Bool {
        tokens[j].digits > 0 && tokens[j].digits <= 5 && tokens[j].letters <= 3
    }

    /// `12 rue`, `12, rue`.
    private func houseGap(_ from: Int, _ to: Int) -> Bool {
        isSpaceGap(from, to) || (to - from == 2 && bytes[from] == 0x2C && bytes[from + 1] == 0x20)
    }

    // MARK: IDs and dates of birth

    /// A word mixing letters and at least 5 digits (`AB1234567`, `P-0123456`), or one with 3
    /// after an ID word ("passport A12345").
    private mutating func idWithLetters(at k: Int) {
        let t = tokens[k]
        guard t.letters > 0, t.digits > 0 else { return }
        let afterIDWord = (max(0, k - 3)..<k).contains { tokens[$0].classes.contains(.idWord) }
        if (t.digits >= 5 && t.letters + t.digits >= 6 && t.letters <= 6) || (afterIDWord && t.digits >= 3) {
            spans.append(Span(range: t.range, kind: .id))
        }
    }

    /// `14 mars 2008`, `March 14, 2008`, `1er mars 2008`: the victim's date of birth, or any
    /// date after a birth word ("born on", "née le").
    private mutating func birthDate(at k: Int) {
        guard tokens[k].classes.contains(.month), let key = tokens[k].key, let month = DayDate.months[key], tokens[k].isWord else { return }
        func number(_ j: Int, digits: ClosedRange<Int>) -> Int? {
            guard j >= 0, j < tokens.count, tokens[j].letters <= 2, digits.contains(tokens[j].digits) else { return nil }
            return bytes[tokens[j].range].filter(TextBytes.isDigit).reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        var first = k, last = k
        var day: Int?, year: Int?
        if let d = number(k - 1, digits: 1...2), isSpaceGap(tokens[k - 1].end, tokens[k].start) { day = d; first = k - 1 }
        if day == nil, let d = number(k + 1, digits: 1...2) { day = d; last = k + 1 }
        if let y = number(last + 1, digits: 4...4), tokens[last + 1].start - tokens[last].end <= 3 { year = y; last += 1 }
        guard let day, let year else { return }
        let date = DayDate(year: year, month: month, day: day)
        let cue = (max(0, first - 4)..<first).contains { tokens[$0].classes.contains(.birthWord) }
        if identifiers.isDateOfBirth([date]) || cue {
            spans.append(Span(range: tokens[first].start..<tokens[last].end, kind: .dateOfBirth))
        }
    }
}
