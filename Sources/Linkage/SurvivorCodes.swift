import Crypto

/// The exact keyed codes of a survivor (Protocols/linkage-v1.md §5): equal identifiers give
/// equal codes under one mission's key, and without the key a code says nothing.
///
/// Two codes, so that a report with a date of birth and one with a phone number can each link
/// to a third that has both: `nameAndBirth` when the name and the date of birth (or its year)
/// are known, `nameAndPhone` when the name and the phone are. A name alone gives no code: too
/// many people share one (siblings share a family name and often a phone, hence the given name
/// in both codes).
public struct SurvivorCodes: Sendable, Hashable {
    public static let byteCount = HMACSHA256.byteCount

    public let nameAndBirth: [UInt8]?
    public let nameAndPhone: [UInt8]?

    /// `HMAC-SHA256(codeKey, label || 0x00 || name || 0x00 || dob-or-phone)` for each code whose
    /// parts are known (labels `name+dob`, `name+phone`; text as UTF-8).
    public init(_ identifiers: SurvivorIdentifiers, key: LinkageKey) {
        func code(_ label: String, _ second: String?) -> [UInt8]? {
            guard let name = identifiers.name, let second else { return nil }
            let message = Array(label.utf8) + [0] + Array(name.utf8) + [0] + Array(second.utf8)
            return HMACSHA256.authenticate(message, key: key.codeKey)
        }
        nameAndBirth = code("name+dob", identifiers.dateOfBirth?.description)
        nameAndPhone = code("name+phone", identifiers.phone)
    }

    /// True when the two share a code (the exact link of issue 17's "strong" tier).
    public func sharesCode(with other: SurvivorCodes) -> Bool {
        func same(_ a: [UInt8]?, _ b: [UInt8]?) -> Bool { a != nil && a == b }
        return same(nameAndBirth, other.nameAndBirth) || same(nameAndPhone, other.nameAndPhone)
    }
}
