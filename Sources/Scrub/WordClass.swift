/// What a folded word is to the word pass, looked up once per token (`CueWords.classes`)
/// instead of once per list.
struct WordClass: OptionSet {
    let rawValue: UInt16

    static let title = WordClass(rawValue: 1 << 0)
    static let introducer = WordClass(rawValue: 1 << 1)
    static let relation = WordClass(rawValue: 1 << 2)
    static let particle = WordClass(rawValue: 1 << 3)
    static let notName = WordClass(rawValue: 1 << 4)
    static let streetBefore = WordClass(rawValue: 1 << 5)
    static let streetAfter = WordClass(rawValue: 1 << 6)
    static let streetConnector = WordClass(rawValue: 1 << 7)
    static let idWord = WordClass(rawValue: 1 << 8)
    static let birthWord = WordClass(rawValue: 1 << 9)
    static let month = WordClass(rawValue: 1 << 10)
    /// The second word of a two-word cue (`CueWords.pairs`).
    static let pairSecond = WordClass(rawValue: 1 << 11)

    static let cue: WordClass = [.title, .introducer, .relation]
}
