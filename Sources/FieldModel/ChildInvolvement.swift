/// Whether a child is, or may be, involved in a report: the one rule the laptop's listing and
/// the hub's listing, filters and urgency all apply (DESIGN.md: a report whose age is
/// undetermined is handled as if a child could be involved).
public enum ChildInvolvement: String, Sendable, Equatable {
    /// A victim is under 18 (`derived.involvesChild`).
    case yes
    /// No victim under 18 is recorded, but an age band is `unknown` or no victim is recorded
    /// (`derived.ageUndetermined`): a possible child.
    case maybe
    case no

    /// From the two derived flags as stored; nil when neither is known (not arrived yet).
    public init?(involvesChild: Bool?, ageUndetermined: Bool?) {
        if involvesChild == true {
            self = .yes
        } else if ageUndetermined == true {
            self = .maybe
        } else if involvesChild == nil && ageUndetermined == nil {
            return nil
        } else {
            self = .no
        }
    }

    /// `yes` or `maybe`: to be handled as a child's report.
    public var isPossibleChild: Bool { self != .no }
}
