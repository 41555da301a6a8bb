/// Preset dictionary 1 for compressed batch frames (spec §8.4): the names and values every
/// report carries, so that a frame holding a single new report — the common case on a slow
/// link — does not pay to spell out its field paths.
///
/// The words are the report's names as the collection registry declares them
/// (`Collections.ReportCollection`, spec §19.3) plus names planned for later collections; the
/// registry owns the names, and `Tests/CollectionsTests` checks this list stays consistent with
/// it. The list itself never changes (invariant 1).
///
/// Invariants:
/// 1. The dictionary is the UTF-8 bytes of `words`, concatenated without separators, in this
///    order. Changing one byte changes the protocol: a new dictionary gets a new flag bit.
/// 2. It is a compression aid only: a frame's content and checksum are the same whichever way
///    it was compressed.
public enum BatchDictionary {
    /// Most frequent last (DEFLATE reaches nearer matches more cheaply).
    public static let words: [String] = [
        // Values of the intake contract's lists.
        "other_misconduct", "paternity_claim", "solicitation_of_prostitution", "trafficking_in_persons",
        "sexual_activity_with_minor", "exploitative_relationship", "transactional_sex", "sexual_exploitation",
        "rape", "sexual_abuse", "military_observer", "staff_officer", "individual_police", "un_volunteer",
        "formed_police_unit", "civilian_staff", "contractor", "military_contingent",
        "paternity_support", "protection", "material", "shelter", "legal", "psychosocial", "medical_urgent", "medical",
        "under_12", "12_14", "15_17", "18_24", "25_39", "40_plus", "female", "male", "other", "unknown",
        "ngo_referral", "staff_report", "email", "community_focal_point", "walk_in", "hotline",
        // Record kinds and hub fields.
        "ref.premises", "ref.mission", "referral", "case", "hub.status", "hub.receivedAt",
        // Field paths of a report.
        "incident.dateTo", "incident.dateFrom", "incident.premises", "incident.coordinates.lon", "incident.coordinates.lat",
        "victims[1].sex", "victims[1].ageBand", "alleged[0].unit", "alleged[0].nationality", "alleged[0].personnelCategory",
        "victims[0].sex", "victims[0].ageBand", "consent.followUpContact", "consent.victimAssistanceReferral",
        "consent.shareWithInvestigators", "derived.ageUndetermined", "derived.involvesChild", "derived.category",
        "allegation.narrative", "allegation.types", "needs", "incident.dateApproximate", "incident.date", "incident.area",
        "receivedAt", "channel", "mission", "ref", "report",
    ]

    /// The dictionary bytes.
    public static let v1: [UInt8] = Array(words.joined().utf8)
}
