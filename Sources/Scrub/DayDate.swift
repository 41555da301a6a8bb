/// A calendar date read from text, to compare with the victim's date of birth.
struct DayDate: Hashable {
    let year: Int
    let month: Int
    let day: Int

    /// Month names and abbreviations, English and French, folded.
    static let months: [WordKey: Int] = {
        let names: [(String, Int)] = [
            ("january", 1), ("jan", 1), ("janvier", 1), ("janv", 1), ("february", 2), ("feb", 2), ("fevrier", 2), ("fevr", 2),
            ("fev", 2), ("march", 3), ("mar", 3), ("mars", 3), ("april", 4), ("apr", 4), ("avril", 4), ("avr", 4),
            ("may", 5), ("mai", 5), ("june", 6), ("jun", 6), ("juin", 6), ("july", 7), ("jul", 7), ("juillet", 7),
            ("juil", 7), ("august", 8), ("aug", 8), ("aout", 8), ("september", 9), ("sep", 9), ("sept", 9),
            ("septembre", 9), ("october", 10), ("oct", 10), ("octobre", 10), ("november", 11), ("nov", 11),
            ("novembre", 11), ("december", 12), ("dec", 12), ("decembre", 12),
        ]
        return Dictionary(names.map { (WordKey(Array($0.0.utf8)), $0.1) }, uniquingKeysWith: { a, _ in a })
    }()

    /// The readings of a date written as `2008-03-14`, `14/03/2008`, `14 mars 2008`,
    /// `March 14, 2008` (day and month swapped too where both are possible); empty if none.
    static func readings(of text: String) -> [DayDate] {
        let bytes = Array(text.utf8)
        var numbers: [(value: Int, digits: Int)] = []
        var month: Int?
        for token in Token.tokens(bytes) {
            // Tokens join digits with hyphens (2008-03-14): split them again.
            var value = 0, digits = 0
            for b in bytes[token.range] {
                if TextBytes.isDigit(b) { value = value * 10 + Int(b - 0x30); digits += 1; continue }
                if digits > 0 { numbers.append((value, digits)); value = 0; digits = 0 }
            }
            if digits > 0 { numbers.append((value, digits)) }
            if token.isWord, let key = token.key, let m = months[key] { month = m }
            if token.isWord, token.key == Array("er".utf8) { continue }
        }
        if let month {
            guard let year = numbers.first(where: { $0.digits == 4 }), let day = numbers.first(where: { $0.digits <= 2 }) else { return [] }
            return [DayDate(year: year.value, month: month, day: day.value)]
        }
        guard numbers.count == 3 else { return [] }
        if numbers[0].digits == 4 { return [DayDate(year: numbers[0].value, month: numbers[1].value, day: numbers[2].value)] }
        guard numbers[2].digits == 4 else { return [] }
        return [DayDate(year: numbers[2].value, month: numbers[1].value, day: numbers[0].value),
                DayDate(year: numbers[2].value, month: numbers[0].value, day: numbers[1].value)]
    }
}
