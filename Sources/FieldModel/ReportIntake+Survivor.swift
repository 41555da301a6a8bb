extension ReportIntake {
    /// This report with the survivor links of `original`'s victims (same order, same count),
    /// for a report rebuilt from its stored form (which carries no links: the identifiers they
    /// came from are gone), such as one whose narrative was scrubbed and validated again.
    public func keepingSurvivorLinks(of original: ReportIntake) -> ReportIntake {
        guard original.victims.count == victims.count else { return self }
        let linked = zip(victims, original.victims).map { Victim(ageBand: $0.ageBand, sex: $0.sex, survivor: $1.survivor) }
        return ReportIntake(mission: mission, channel: channel, receivedAt: receivedAt, incident: incident,
                            allegation: allegation, victims: linked, alleged: alleged, needs: needs, consent: consent)
    }
}
