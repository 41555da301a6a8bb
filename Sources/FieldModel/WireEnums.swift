import JSON

/// The closed vocabularies of the report intake contract (DESIGN.md "Data: the report").
///
/// Invariants:
/// 1. Every raw value is the exact wire string of the contract; the JSON Schema
///    `Protocols/report-intake.schema.json` lists the same strings in the same order.
/// 2. `allCases` is in contract order; error messages and prompts list values in that order.
/// 3. Every case has a short human `label` for interactive prompts; labels are never parsed.
/// 4. Untrusted text is read with `init(wire:)`, which matches UTF-8 bytes in linear time; the
///    synthesised `init(rawValue:)` compares Strings canonically, quadratic in the length of one
///    grapheme cluster (issue 14).

/// A closed set of wire strings with a human label per value.
public protocol WireEnum: RawRepresentable, CaseIterable, Sendable, Hashable
where RawValue == String, AllCases == [Self] {
    /// A short human label, e.g. "Sexual activity with a minor", for prompts and display.
    var label: String { get }
}

extension WireEnum {
    /// The wire strings in contract order, joined for messages: `a, b, c`.
    static var wireList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The case whose wire string has exactly the UTF-8 bytes of `text`; nil for any other text
    /// (invariant 4).
    public init?(wire text: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.utf8Equals(text) }) else { return nil }
        self = match
    }
}

/// How the report reached the mission.
public enum Channel: String, WireEnum {
    case hotline
    case walkIn = "walk_in"
    case communityFocalPoint = "community_focal_point"
    case ngoReferral = "ngo_referral"
    case staffReport = "staff_report"
    case email
    case other

    public var label: String {
        switch self {
        case .hotline: return "Hotline call"
        case .walkIn: return "Walk-in"
        case .communityFocalPoint: return "Community focal point"
        case .ngoReferral: return "Referral from an NGO"
        case .staffReport: return "Report by mission personnel"
        case .email: return "Email"
        case .other: return "Other"
        }
    }
}

/// What is alleged. Every type except `otherMisconduct` is SEA or trafficking (Category 1).
public enum AllegationType: String, WireEnum {
    case sexualAbuse = "sexual_abuse"
    case rape
    case sexualExploitation = "sexual_exploitation"
    case transactionalSex = "transactional_sex"
    case exploitativeRelationship = "exploitative_relationship"
    case sexualActivityWithMinor = "sexual_activity_with_minor"
    case traffickingInPersons = "trafficking_in_persons"
    case solicitationOfProstitution = "solicitation_of_prostitution"
    case paternityClaim = "paternity_claim"
    case otherMisconduct = "other_misconduct"

    public var label: String {
        switch self {
        case .sexualAbuse: return "Sexual abuse"
        case .rape: return "Rape"
        case .sexualExploitation: return "Sexual exploitation"
        case .transactionalSex: return "Transactional sex"
        case .exploitativeRelationship: return "Exploitative relationship"
        case .sexualActivityWithMinor: return "Sexual activity with a minor"
        case .traffickingInPersons: return "Trafficking in persons"
        case .solicitationOfProstitution: return "Solicitation of prostitution"
        case .paternityClaim: return "Paternity claim"
        case .otherMisconduct: return "Other misconduct"
        }
    }

    /// True for the SEA and trafficking types, which make a report Category 1.
    public var isSEAOrTrafficking: Bool { self != .otherMisconduct }
}

/// A victim's age at the time of the incident, in bands.
public enum AgeBand: String, WireEnum {
    case under12 = "under_12"
    case from12To14 = "12_14"
    case from15To17 = "15_17"
    case from18To24 = "18_24"
    case from25To39 = "25_39"
    case from40 = "40_plus"
    case unknown

    public var label: String {
        switch self {
        case .under12: return "Under 12"
        case .from12To14: return "12 to 14"
        case .from15To17: return "15 to 17"
        case .from18To24: return "18 to 24"
        case .from25To39: return "25 to 39"
        case .from40: return "40 or older"
        case .unknown: return "Age not known"
        }
    }

    /// True for the bands below 18.
    public var isChild: Bool { self == .under12 || self == .from12To14 || self == .from15To17 }
}

/// A victim's sex as the reporter gives it. The contract's choice: `female`, `male`, `other`,
/// `unknown` (not known or not given).
public enum Sex: String, WireEnum {
    case female
    case male
    case other
    case unknown

    public var label: String {
        switch self {
        case .female: return "Female"
        case .male: return "Male"
        case .other: return "Other"
        case .unknown: return "Not known"
        }
    }
}

/// Which kind of mission personnel the alleged perpetrator is; decides who investigates.
public enum PersonnelCategory: String, WireEnum {
    case militaryContingent = "military_contingent"
    case militaryObserver = "military_observer"
    case staffOfficer = "staff_officer"
    case formedPoliceUnit = "formed_police_unit"
    case individualPolice = "individual_police"
    case civilianStaff = "civilian_staff"
    case unVolunteer = "un_volunteer"
    case contractor
    case unknown

    public var label: String {
        switch self {
        case .militaryContingent: return "Military contingent member"
        case .militaryObserver: return "Military observer"
        case .staffOfficer: return "Staff officer"
        case .formedPoliceUnit: return "Formed police unit member"
        case .individualPolice: return "Individual police officer"
        case .civilianStaff: return "Civilian staff member"
        case .unVolunteer: return "UN Volunteer"
        case .contractor: return "Contractor"
        case .unknown: return "Not known"
        }
    }
}

/// Victim assistance the survivor needs.
public enum Need: String, WireEnum {
    case medicalUrgent = "medical_urgent"
    case medical
    case psychosocial
    case legal
    case shelter
    case material
    case protection
    case paternitySupport = "paternity_support"

    public var label: String {
        switch self {
        case .medicalUrgent: return "Urgent medical care (within 72 hours)"
        case .medical: return "Medical care"
        case .psychosocial: return "Psychosocial support"
        case .legal: return "Legal services"
        case .shelter: return "Shelter"
        case .material: return "Material assistance"
        case .protection: return "Protection"
        case .paternitySupport: return "Paternity and child support"
        }
    }
}
