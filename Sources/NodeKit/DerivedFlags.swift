/// The derived values of a report (sync-v1.md §19.2), each nil when the node cannot know it:
/// after creation the node cannot read the sealed fields they come from, so an amendment
/// re-derives only what the amended values decide (`ReportAmendCommand.derived`).
struct DerivedFlags: Equatable {
    var involvesChild: Bool?
    var ageUndetermined: Bool?
    var category: Int?
}
