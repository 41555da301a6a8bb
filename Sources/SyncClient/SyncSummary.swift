/// What one sync round did.
public struct SyncSummary: Sendable, Equatable {
    /// Own ops the hub newly acknowledged in this round.
    public var pushedOps = 0
    /// Push requests that were acknowledged.
    public var pushBatches = 0
    /// Ops received in pull responses (new or already held).
    public var pulledOps = 0
    /// Pulled ops merged into state now.
    public var mergedOps = 0
    /// Pulled ops this node already held.
    public var duplicateOps = 0
    /// Pulled ops stamped too far in the future: stored, not merged yet.
    public var quarantinedOps = 0
    /// Pull requests answered.
    public var pullRequests = 0
    /// This node's ops the hub holds in quarantine (its clock ran ahead), from the last ack.
    public var quarantinedAtHub = 0
    /// The hub asked for a re-bootstrap (`resync_required`) and the round pulled from cursor 0.
    public var resynced = false
    /// Set when the hub acknowledged fewer of our ops than it had before (restored from a backup):
    /// the push cursor moved back to this sequence number and the lost ops were sent again.
    public var rewoundTo: UInt64?
    /// This round asked the hub what it holds of our ops with an empty push (after a restore,
    /// or while some of our ops wait in its quarantine).
    public var probed = false
    /// The new epoch seen in this round, when the hub was restored since the last one.
    public var newEpoch: String?
    /// This node's reports the hub holds in quarantine, when the ack said it holds some of our
    /// ops there (counted locally: reports with an op stamped beyond the hub's clock + drift).
    public var reportsHeldAtHub = 0
    /// The pull cursor at the end of the round.
    public var cursor: UInt64 = 0
    /// Hub clock minus ours (ms), from the response with the shortest round trip.
    public var clockOffsetMilliseconds: Int64?

    public init() {}
}
