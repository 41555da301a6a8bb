/// The fields of the fuzzy encoding, each with its own key, tokens and weight
/// (Protocols/linkage-v1.md §6.2). The order is the order of `LinkageKey.fieldKeys`.
enum EncodedField: Int, CaseIterable, Sendable {
    case name
    case dateOfBirth
    case phone

    /// The subkey label's last word.
    var label: String {
        switch self {
        case .name: return "name"
        case .dateOfBirth: return "dob"
        case .phone: return "phone"
        }
    }

    /// Bit positions set per token (clkhash's per-field `k`): the field's weight in the
    /// Dice coefficient. A name of two tokens gives about 15 bigrams (180 positions), a full
    /// date of birth 8 digits (240), a phone 8 digits (120): two people of one name but other
    /// dates of birth stay below the threshold, and one typo in a name does not push the same
    /// person under it. Chosen on a few runs of the benchmark (linkage-v1.md §6.3).
    var hashesPerToken: Int {
        switch self {
        case .name: return 12
        case .dateOfBirth: return 30
        case .phone: return 15
        }
    }

    /// The tokens of this field of `identifiers`, each a byte string; empty when unknown.
    ///
    /// - name: for each name token, the bigrams of `_token_` (by Unicode scalar, as UTF-8),
    ///   so a name of n scalars gives n + 1 bigrams and a letter's position at either end counts;
    /// - date of birth: positional digits `[i, digit]` of `YYYYMMDD` (`YYYY` for a year alone),
    ///   so one wrong digit costs one token in eight;
    /// - phone: positional digits counted from the end `[i, digit]`, so the local and the
    ///   international forms of a number agree digit by digit.
    func tokens(of identifiers: SurvivorIdentifiers) -> [[UInt8]] {
        switch self {
        case .name:
            guard let name = identifiers.name else { return [] }
            var out: [[UInt8]] = []
            for token in Array(name.utf8).split(separator: 0x20) {
                var scalars: [ArraySlice<UInt8>] = [[0x5F]]
                var start = token.startIndex
                while start < token.endIndex {
                    var end = start + 1
                    while end < token.endIndex, token[end] & 0xC0 == 0x80 { end += 1 }
                    scalars.append(token[start..<end])
                    start = end
                }
                scalars.append([0x5F])
                for index in 1..<scalars.count { out.append(Array(scalars[index - 1] + scalars[index])) }
            }
            return out
        case .dateOfBirth:
            guard let digits = identifiers.dateOfBirth?.digits else { return [] }
            return digits.enumerated().map { [UInt8($0.offset), $0.element] }
        case .phone:
            guard let phone = identifiers.phone else { return [] }
            return phone.utf8.reversed().enumerated().map { [UInt8($0.offset), $0.element] }
        }
    }
}

