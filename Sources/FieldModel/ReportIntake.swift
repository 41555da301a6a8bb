import Linkage

/// A validated report as the operator recorded it: the typed form of the intake contract
/// (DESIGN.md "Data: the report"; `Protocols/report-intake.schema.json`).
///
/// Invariants:
/// 1. A value exists only through `Intake.validate` / `Intake.parse`: every field satisfies
///    the contract, including the rules JSON Schema cannot express (calendar dates, date order).
/// 2. It holds no victim identifiers in any form: `victims[].identifiers` is accepted on input,
///    turned into keyed survivor codes and an encoding (`Victim.survivor`, Protocols/
///    linkage-v1.md) during validation, and dropped; nothing else of them is kept.
/// 3. Coordinates are already coarsened to the 0.01° grid (`Coordinates`).
/// 4. Short texts (`incident.area`, `incident.premises`, `alleged[].unit`) are trimmed of
///    surrounding whitespace; the narrative is kept as given.
public struct ReportIntake: Sendable, Hashable {
    /// Mission code, `^[A-Z][A-Z0-9]{1,15}$`, e.g. `MINUSCA`.
    public let mission: String
    /// How the report came in.
    public let channel: Channel
    /// When the report was received (the caller's "now" when the input does not say).
    public let receivedAt: Timestamp
    /// When and where it happened.
    public let incident: Incident
    /// What is alleged.
    public let allegation: Allegation
    /// The victims, without identifiers; may be empty.
    public let victims: [Victim]
    /// The alleged perpetrators; may be empty.
    public let alleged: [AllegedPerson]
    /// Assistance the survivor needs.
    public let needs: Set<Need>
    /// What the survivor agreed to.
    public let consent: Consent

    /// When and where the incident happened.
    public struct Incident: Sendable, Hashable {
        /// An exact date, a range, or unknown.
        public let date: IncidentDate
        /// True when the reporter gave the date (or range) only approximately.
        public let dateApproximate: Bool
        /// The locality: town, village or camp.
        public let area: String
        /// Coarsened position, if given.
        public let coordinates: Coordinates?
        /// Premises name (bar, hotel, house), matched against the off-limits list; if given.
        public let premises: String?
    }

    /// The incident date as the reporter could give it.
    public enum IncidentDate: Sendable, Hashable {
        /// `incident.date`.
        case exact(CalendarDate)
        /// `incident.dateFrom` … `incident.dateTo`, inclusive, `from <= to`.
        case range(from: CalendarDate, to: CalendarDate)
        /// No date given.
        case unknown
    }

    /// What is alleged.
    public struct Allegation: Sendable, Hashable {
        /// At least one type.
        public let types: Set<AllegationType>
        /// The account in the reporter's words (scrubbing identifiers is the caller's job).
        public let narrative: String
    }

    /// One victim. Identifiers given on input are not here, by design: only what the laptop
    /// derived from them under the mission's linkage key.
    public struct Victim: Sendable, Hashable {
        public let ageBand: AgeBand
        public let sex: Sex
        /// The survivor codes and encoding, when identifiers were given; stored sealed as
        /// `victims[i].survivorCode`, `.survivorPhoneCode`, `.survivorEncoding`, and not part
        /// of the intake document (`toJSON`).
        public let survivor: SurvivorLink?

        public init(ageBand: AgeBand, sex: Sex, survivor: SurvivorLink? = nil) {
            self.ageBand = ageBand
            self.sex = sex
            self.survivor = survivor
        }
    }

    /// One alleged perpetrator.
    public struct AllegedPerson: Sendable, Hashable {
        public let personnelCategory: PersonnelCategory
        public let nationality: Nationality
        /// Unit, contingent or office, if known.
        public let unit: String?
    }

    /// ISO 3166-1 alpha-3 code (shape checked, `^[A-Z]{3}$`, not looked up) or unknown.
    public enum Nationality: Sendable, Hashable {
        case country(String)
        case unknown

        /// `FRA` or `unknown`.
        public var wireValue: String {
            switch self {
            case .country(let code): return code
            case .unknown: return "unknown"
            }
        }
    }

    /// The survivor's consent, each asked and answered.
    public struct Consent: Sendable, Hashable {
        public let shareWithInvestigators: Bool
        public let victimAssistanceReferral: Bool
        public let followUpContact: Bool
    }
}
