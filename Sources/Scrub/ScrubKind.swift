/// What a replaced span of a narrative was; each kind has its typed placeholder.
public enum ScrubKind: String, CaseIterable, Sendable, Hashable {
    case name, phone, email, id, coordinates, address, url, dateOfBirth

    /// The text that replaces the span, e.g. `[PHONE]`.
    public var placeholder: String {
        switch self {
        case .name: "[NAME]"
        case .phone: "[PHONE]"
        case .email: "[EMAIL]"
        case .id: "[ID]"
        case .coordinates: "[COORDINATES]"
        case .address: "[ADDRESS]"
        case .url: "[URL]"
        case .dateOfBirth: "[DATE_OF_BIRTH]"
        }
    }

    /// Singular and plural words for the operator's summary ("2 names, 1 phone number").
    var words: (one: String, many: String) {
        switch self {
        case .name: ("name", "names")
        case .phone: ("phone number", "phone numbers")
        case .email: ("e-mail address", "e-mail addresses")
        case .id: ("ID or passport number", "ID or passport numbers")
        case .coordinates: ("position", "positions")
        case .address: ("street address", "street addresses")
        case .url: ("web address", "web addresses")
        case .dateOfBirth: ("date of birth", "dates of birth")
        }
    }

    /// Where two detections overlap, the higher rank wins the overlapping bytes: an e-mail
    /// holds a domain that looks like a URL, a URL may hold a name, coordinates look like digits.
    var rank: UInt8 {
        switch self {
        case .name: 1
        case .address: 2
        case .id: 3
        case .phone: 4
        case .dateOfBirth: 5
        case .coordinates: 6
        case .url: 7
        case .email: 8
        }
    }

    static let byRank: [ScrubKind?] = {
        var table = [ScrubKind?](repeating: nil, count: 9)
        for kind in ScrubKind.allCases { table[Int(kind.rank)] = kind }
        return table
    }()
}
