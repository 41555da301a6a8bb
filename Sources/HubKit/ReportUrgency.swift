import FieldModel

/// How soon a report needs a person at the hub: the listing's URGENCY column and `--urgent`.
/// Defined here only, as a pure function of a report's facts, so that routing (issue 17) extends
/// it in one place.
///
/// High when any of:
/// 1. a child is or may be involved (`ChildInvolvement`: under 18, or an age undetermined);
/// 2. urgent medical needs are named (`needs` holds `medical_urgent`);
/// 3. rape or sexual abuse (the contract's word for sexual assault) is alleged and the incident,
///    by its date (the end of a range), may have happened within the last 72 hours — when
///    post-exposure care still helps. A date is a whole day: day D counts while D is no earlier
///    than the day 72 hours ago (UTC). An unknown incident date does not count.
/// Otherwise normal.
public struct ReportUrgency: Sendable, Equatable {
    public enum Level: String, Sendable {
        case high, normal
    }

    public let level: Level
    /// Why, in words, in the order of the rules above (empty when normal).
    public let reasons: [String]

    /// The facts urgency depends on, reduced as the index reads them.
    public struct Facts: Sendable, Equatable {
        public var child: ChildInvolvement?
        /// `needs` holds `medical_urgent`.
        public var urgentMedicalNeeds: Bool
        /// The incident's last possible day (`YYYY-MM-DD`: `incident.date` or `incident.dateTo`)
        /// when rape or sexual abuse is alleged; nil otherwise or when the date is unknown.
        public var assaultLastDay: String?

        public init(child: ChildInvolvement?, urgentMedicalNeeds: Bool, assaultLastDay: String?) {
            self.child = child
            self.urgentMedicalNeeds = urgentMedicalNeeds
            self.assaultLastDay = assaultLastDay
        }

        /// From a report's lists as the intake has them.
        public init(child: ChildInvolvement?, needs: Set<String>, allegationTypes: Set<String>, incidentLastDay: String?) {
            self.init(child: child, urgentMedicalNeeds: needs.contains(ReportUrgency.urgentMedicalNeed),
                      assaultLastDay: allegationTypes.isDisjoint(with: ReportUrgency.recentAssaultTypes) ? nil : incidentLastDay)
        }
    }

    static let urgentMedicalNeed = Need.medicalUrgent.rawValue
    static let recentAssaultTypes: Set<String> = [AllegationType.rape.rawValue, AllegationType.sexualAbuse.rawValue]
    static let recentWindowMilliseconds: UInt64 = 72 * 3_600_000

    /// The urgency of a report with `facts` at hub time `now` (ms).
    public static func assess(_ facts: Facts, now: UInt64) -> ReportUrgency {
        assess(facts, windowStart: windowStart(now: now))
    }

    /// The first day (`YYYY-MM-DD`, UTC) of rule 3's window at `now`: once per listing.
    static func windowStart(now: UInt64) -> String {
        String(TimeText.rfc3339(milliseconds: now &- min(now, recentWindowMilliseconds)).prefix(10))
    }

    /// `assess` with the window's first day computed (ISO dates compare as text).
    static func assess(_ facts: Facts, windowStart: String) -> ReportUrgency {
        var reasons: [String] = []
        switch facts.child {
        case .yes: reasons.append("child involved")
        case .maybe: reasons.append("age undetermined: possible child")
        default: break
        }
        if facts.urgentMedicalNeeds { reasons.append("urgent medical needs") }
        if let day = facts.assaultLastDay, day >= windowStart { reasons.append("rape or sexual abuse within the last 72 h") }
        return ReportUrgency(level: reasons.isEmpty ? .normal : .high, reasons: reasons)
    }
}

