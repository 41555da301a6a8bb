/// A detected identifier: a byte range of the input and its kind.
struct Span {
    let range: Range<Int>
    let kind: ScrubKind
}

/// The looking-back that scanners do to read a cue before a number ("passport no.", "born on",
/// "tel:"): a bounded window of ASCII-lowercased bytes, so each look costs a constant.
enum Lookback {
    static let window = 48

    /// The lowercased bytes of the window before `i`, cut at the last line break.
    static func text(_ bytes: [UInt8], before i: Int) -> [UInt8] {
        var start = max(0, i - window)
        if let lineBreak = bytes[start..<i].lastIndex(of: 0x0A) { start = lineBreak + 1 }
        return bytes[start..<i].map { TextBytes.isUpper($0) ? $0 | 0x20 : $0 }
    }

    /// Where the last of `cues` that starts a word ends in `text`, or -1 ("id " in "Rachid "
    /// is no cue).
    static func lastEnd(of cues: [[UInt8]], in text: [UInt8]) -> Int {
        var best = -1
        for cue in cues where cue.count <= text.count {
            var i = text.count - cue.count
            while i >= 0 {
                if text[i] == cue[0], i == 0 || !(TextBytes.isASCIILetter(text[i - 1]) || text[i - 1] >= 0x80),
                   text[i..<(i + cue.count)].elementsEqual(cue) {
                    best = max(best, i + cue.count)
                    break
                }
                i -= 1
            }
        }
        return best
    }

    static func cues(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    static let idCues = cues(["passport", "passeport", "identit", "id ", "id:", "id#", "id n", "id-", "cni", "nin ", "nin:",
                              "matricule", "n°", "nº", "no.", "no:", "card", "carte", "badge", "licen", "permis", "serial",
                              "plate", "plaque", "dossier", "file n", "ref", "réf"])
    static let phoneCues = cues(["phone", "tel", "tél", "whatsapp", "call", "appel", "mobile", "portable", "contact",
                                 "sms", "numéro de t", "joindre", "reach"])
    static let birthCues = cues(["born", "birth", "dob", "d.o.b", "né ", "née ", "né le", "née le", "naissance"])
    static let positionCues = cues(["lat", "gps", "coordinate", "coordonn", "position", "location", "localisation"])
}
