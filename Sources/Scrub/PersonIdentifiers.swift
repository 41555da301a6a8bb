/// A victim's identifiers as given at intake (`victims[].identifiers`): read once to scrub the
/// narrative (and derive the survivor code), never stored.
public struct PersonIdentifiers: Sendable, Hashable {
    public var name: String?
    public var phone: String?
    public var dateOfBirth: String?

    public init(name: String? = nil, phone: String? = nil, dateOfBirth: String? = nil) {
        self.name = name
        self.phone = phone
        self.dateOfBirth = dateOfBirth
    }
}
