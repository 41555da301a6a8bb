/// What the operator knows of a survivor, normalised (Protocols/linkage-v1.md §4): the input of
/// the codes and the encoding, held in memory only while they are derived and never stored.
public struct SurvivorIdentifiers: Sendable, Hashable {
    /// `NameNormalizer` form: folded tokens, sorted, one space apart.
    public let name: String?
    /// `PhoneNormalizer` form: at most 8 digits.
    public let phone: String?
    public let dateOfBirth: BirthDate?

    /// Why a given identifier cannot be used (the message never quotes it).
    public enum Problem: Sendable, Hashable {
        case nameHasNoLetters
        case phoneTooShort
        case dateOfBirthUnreadable
    }

    /// Already normalised parts (vectors, the benchmark's generator).
    public init(normalizedName name: String?, phone: String?, dateOfBirth: BirthDate?) {
        self.name = name
        self.phone = phone
        self.dateOfBirth = dateOfBirth
    }

    /// Normalises what was given; a part given but unusable is a `Problem`, never silently
    /// left out (the operator would believe it counted).
    public static func normalize(name: String?, phone: String?, dateOfBirth: String?) -> Result<SurvivorIdentifiers, ProblemList> {
        var problems: [Problem] = []
        let normalizedName = name.flatMap { text in
            NameNormalizer.normalize(text) ?? { problems.append(.nameHasNoLetters); return nil }()
        }
        let normalizedPhone = phone.flatMap { text in
            PhoneNormalizer.normalize(text) ?? { problems.append(.phoneTooShort); return nil }()
        }
        let date = dateOfBirth.flatMap { text in
            BirthDate.parse(text) ?? { problems.append(.dateOfBirthUnreadable); return nil }()
        }
        guard problems.isEmpty else { return .failure(ProblemList(problems: problems)) }
        return .success(SurvivorIdentifiers(normalizedName: normalizedName, phone: normalizedPhone, dateOfBirth: date))
    }

    /// The problems of one `normalize` call, in the order name, phone, date of birth.
    public struct ProblemList: Error, Sendable, Hashable {
        public let problems: [Problem]
    }

    /// True when nothing is known: no code and no encoding are derived.
    public var isEmpty: Bool { name == nil && phone == nil && dateOfBirth == nil }
}
