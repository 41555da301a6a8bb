/// A word of the narrative: a run of letters, digits and combining marks, with apostrophes and
/// hyphens inside it (`d'Aminata`, `Jean-Baptiste`, `AB-123456`). What lies between two tokens
/// (spaces, punctuation) is read from the bytes.
struct Token {
    let start: Int
    let end: Int
    let letters: Int
    let digits: Int
    /// The first scalar is an uppercase or titlecase letter.
    let capitalized: Bool
    /// Every letter is uppercase (and there are at least two).
    let allCaps: Bool
    /// Folded bytes (`Folding.fold`), nil for a token too long to be a name or cue.
    let key: [UInt8]?
    /// What the folded word is in `CueWords` (empty for most words).
    let classes: WordClass

    var range: Range<Int> { start..<end }
    var isWord: Bool { letters > 0 && digits == 0 }

    /// Every token of `bytes`, in order; linear in the bytes.
    static func tokens(_ bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        let n = bytes.count
        while i < n {
            let (s, length) = TextBytes.scalar(bytes, at: i)
            if !TextBytes.isWordScalar(s) { i += length; continue }
            let start = i
            var letters = 0, digits = 0, upper = 0
            let capitalized = TextBytes.isUppercase(s)
            var j = i
            while j < n {
                let (c, len) = TextBytes.scalar(bytes, at: j)
                if TextBytes.isWordScalar(c) {
                    if c.value < 0x80, TextBytes.isDigit(UInt8(c.value)) { digits += 1 }
                    else if !Folding.isIgnorable(c) {
                        letters += 1
                        if TextBytes.isUppercase(c) { upper += 1 }
                    }
                    j += len
                } else if TextBytes.isJoiner(c), j + len < n, TextBytes.isWordScalar(TextBytes.scalar(bytes, at: j + len).0) {
                    j += len
                } else {
                    break
                }
            }
            let key = Folding.fold(bytes, start..<j)
            tokens.append(Token(start: start, end: j, letters: letters, digits: digits, capitalized: capitalized,
                                allCaps: letters >= 2 && upper == letters, key: key,
                                classes: key.flatMap { CueWords.classes[$0] } ?? []))
            i = j
        }
        return tokens
    }
}
