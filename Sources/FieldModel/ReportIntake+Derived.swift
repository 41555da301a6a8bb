/// Values derived from a report on the node (DESIGN.md "Derived on the node"). Pure functions
/// of the validated report; the survivor code (keyed HMAC) is computed elsewhere.
extension ReportIntake {
    /// True when any victim is under 18 (age band `under_12`, `12_14` or `15_17`).
    public var involvesChild: Bool { ReportIntake.involvesChild(victims) }

    /// True when no victim is recorded, or any victim's age band is `unknown`: a child may be
    /// involved and the report must be handled as if one could be.
    public var ageUndetermined: Bool { ReportIntake.ageUndetermined(victims) }

    /// 1 when any allegation type is SEA or trafficking (every type but `other_misconduct`),
    /// else 2.
    public var category: Int { ReportIntake.category(allegation.types) }

    /// `involvesChild` for a list of victims.
    public static func involvesChild(_ victims: [Victim]) -> Bool {
        victims.contains { $0.ageBand.isChild }
    }

    /// `ageUndetermined` for a list of victims.
    public static func ageUndetermined(_ victims: [Victim]) -> Bool {
        victims.isEmpty || victims.contains { $0.ageBand == .unknown }
    }

    /// `category` for a set of allegation types.
    public static func category(_ types: Set<AllegationType>) -> Int {
        types.contains { $0.isSEAOrTrafficking } ? 1 : 2
    }
}
