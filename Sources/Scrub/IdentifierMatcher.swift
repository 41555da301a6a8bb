/// The report's own identifiers, normalised once for matching anywhere in the narrative.
///
/// Names: each part of the name (split at spaces, hyphens, apostrophes and commas), folded
/// (`Folding`); a word of the narrative is the victim's name when its folded form (or the part
/// after an elision, `d'Aminata`, or before a possessive, `Aminata's`, or one of its hyphenated
/// parts) is a part of the name, the whole name run together (`JeanBaptiste`), or, for a
/// capitalised word, the same with doubled letters collapsed (`Marriama`), or within one edit for
/// parts of 6 letters or more. Particles (`de`, `ben`, `ould` …) and parts under 2 letters are
/// not matched alone. Phones: the last 8 digits (7 for a shorter number). Dates of birth: every
/// reading of the given date.
struct IdentifierMatcher {
    private(set) var nameKeys: Set<WordKey> = []
    /// The particles written in the names (`el`, `ould`), matched before another part.
    private(set) var particles: Set<WordKey> = []
    private var collapsedKeys: Set<WordKey> = []
    private var longKeys: [[UInt8]] = []
    private var phones: [[UInt8]] = []
    private var births: Set<DayDate> = []

    var isEmpty: Bool { nameKeys.isEmpty && phones.isEmpty && births.isEmpty }

    init(_ identifiers: [PersonIdentifiers]) {
        for person in identifiers {
            if let name = person.name { addName(name) }
            if let phone = person.phone {
                let digits = Array(phone.utf8.filter(TextBytes.isDigit))
                if digits.count >= 7 { phones.append(Array(digits.suffix(8))) }
            }
            if let birth = person.dateOfBirth { births.formUnion(DayDate.readings(of: birth)) }
        }
    }

    /// Adds a name learned from the narrative itself (after a cue word), so that its later
    /// mentions are found too.
    mutating func addName(_ name: String) {
        let bytes = Array(name.utf8)
        var parts: [[UInt8]] = []
        var start: Int?
        var afterApostrophe = false
        func flush(_ end: Int) {
            guard let s = start else { return }
            start = nil
            guard let key = Folding.fold(bytes, s..<end) else { return }
            // N'Goma, O'Neil: the part after a one-letter prefix is only matched with it
            // (`Goma` alone is a town).
            let prefixed = afterApostrophe && parts.last?.count == 1
            parts.append(key)
            if !prefixed { add(key) }
        }
        var i = 0
        while i < bytes.count {
            let (scalar, length) = TextBytes.scalar(bytes, at: i)
            if TextBytes.isWordScalar(scalar) {
                if start == nil { start = i }
            } else {
                let wasInPart = start != nil
                flush(i)
                if wasInPart || !afterApostrophe { afterApostrophe = TextBytes.isJoiner(scalar) && scalar.value != 0x2D }
            }
            i += length
        }
        flush(bytes.count)
        // Parts run together: the whole name and each pair (JeanBaptiste, NDiaye).
        if parts.count > 1 { nameKeys.insert(parts.reduce([], +)) }
        for k in parts.indices.dropFirst() { nameKeys.insert(parts[k - 1] + parts[k]) }
    }

    mutating func add(key: [UInt8]) { add(key) }

    private mutating func add(_ key: [UInt8]) {
        if CueWords.particles.contains(key) { particles.insert(key); return }
        guard key.count >= 2 else { return }
        nameKeys.insert(key)
        collapsedKeys.insert(Folding.collapsed(key))
        if key.count >= 6 { longKeys.append(key) }
    }

    /// Whether the word `token` of `bytes` is one of the names.
    func isName(_ token: Token, in bytes: [UInt8]) -> Bool {
        guard !nameKeys.isEmpty, token.letters >= 2, let key = token.key else { return false }
        if matches(key, fuzzy: token.capitalized) { return true }
        // d'Aminata, l'Ahmed; Aminata's; and each part of Jean-Baptiste.
        var parts: [[UInt8]] = []
        var partStart = token.start
        var i = token.start
        while i < token.end {
            let (scalar, length) = TextBytes.scalar(bytes, at: i)
            if TextBytes.isJoiner(scalar) {
                if let part = Folding.fold(bytes, partStart..<i) { parts.append(part) }
                partStart = i + length
            }
            i += length
        }
        if parts.isEmpty { return false }
        if let last = Folding.fold(bytes, partStart..<token.end) { parts.append(last) }
        // After an elision: d'N'Goma → N'Goma.
        if parts.count >= 3, parts[0].count == 1, matches(parts.dropFirst().reduce([], +), fuzzy: false) { return true }
        if parts.count == 2, parts[1] == [0x73] { return matches(parts[0], fuzzy: token.capitalized) }
        return parts.contains { $0.count >= 2 && !CueWords.particles.contains($0) && matches($0, fuzzy: token.capitalized) }
    }

    private func matches(_ key: [UInt8], fuzzy: Bool) -> Bool {
        if nameKeys.contains(key) { return true }
        guard fuzzy, key.count >= 4 else { return false }
        if collapsedKeys.contains(Folding.collapsed(key)) { return true }
        return key.count >= 6 && longKeys.contains { Folding.withinOneEdit($0, key) }
    }

    /// Whether `digits` (a run of the narrative) ends with the victim's phone number.
    func isPhone(_ digits: [UInt8]) -> Bool {
        phones.contains { phone in
            let k = min(phone.count, digits.count)
            return k >= 7 && digits.suffix(k).elementsEqual(phone.suffix(k))
        }
    }

    func isDateOfBirth(_ readings: [DayDate]) -> Bool {
        readings.contains(where: births.contains)
    }
}
