import SyncClient
import SyncEngine
import SyncProtocol
import Testing

/// The sync session as a pure function: events in, actions out.
@Suite struct SyncSessionTests {
    let me = NodeID(hex: "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1")!
    let hub = NodeID(hex: "48484848484848484848484848484848")!

    func op(_ seq: UInt64, origin: NodeID? = nil, text: String = "Bria") -> Op {
        Op(id: OpID(origin: origin ?? me, seq: seq), hlc: HLC(milliseconds: 1_763_900_000_000 + seq, counter: 0),
           collection: "report", entity: "\(me.hex)-0000000000000001", action: .set(field: "incident.area", value: .string(text), rank: 0, supersedes: []))
    }

    func ack(_ contiguous: UInt64, highest: UInt64? = nil, gaps: [ClosedRange<UInt64>] = [], quarantined: Int = 0, origin: NodeID? = nil) -> PushAck {
        PushAck(perOrigin: [OriginAck(origin: origin ?? me, contiguousSeq: contiguous, highestSeq: highest ?? contiguous,
                                      gaps: gaps, quarantined: quarantined)], hubTime: 1)
    }

    func wire(_ code: WireError.Code, lastCounter: UInt64? = nil) -> SyncClientError {
        .hub(WireError(code, "test", lastCounter: lastCounter))
    }

    func failure(_ action: SyncSession.Action) -> SyncClientError? {
        if case .fail(let error) = action { return error }
        return nil
    }

    @Test func fullRoundPushesBatchesThenPullsUntilNoMore() throws {
        var s = SyncSession(nodeID: me, pushAcked: 2, cursor: 10)
        #expect(s.start() == .loadPending(maxOps: 500, maxBytes: 256 * 1024 - 42))
        let batch = [op(3), op(4), op(5)]
        guard case .sendPush(let sent, let frame) = s.pendingLoaded(batch) else { Issue.record("expected a push"); return }
        #expect(sent == batch)
        #expect(try BatchCodec.decode(frame) == batch)
        #expect(s.pushAcknowledged(ack(5, quarantined: 1)) == .recordAck(contiguous: 5))
        #expect(s.ackRecorded() == .loadPending(maxOps: 500, maxBytes: 256 * 1024 - 42))
        #expect(s.pushAcked == 5)
        #expect(s.pendingLoaded([]) == .sendPull(PullRequest(cursor: 10, maxBytes: 1 << 20)))
        let pulled = [op(1, origin: hub)]
        #expect(s.pullAnswered(PullResponse(ops: pulled, nextCursor: 12, more: true)) == .applyPulled(ops: pulled, nextCursor: 12))
        var outcome = ApplyOutcome()
        outcome.merged = 1
        #expect(s.pulledApplied(outcome) == .sendPull(PullRequest(cursor: 12, maxBytes: 1 << 20)))
        #expect(s.pullAnswered(PullResponse(ops: [], nextCursor: 12, more: false)) == .applyPulled(ops: [], nextCursor: 12))
        guard case .done(let summary) = s.pulledApplied(ApplyOutcome()) else { Issue.record("expected done"); return }
        #expect(summary.pushedOps == 3)
        #expect(summary.pushBatches == 1)
        #expect(summary.pulledOps == 1)
        #expect(summary.mergedOps == 1)
        #expect(summary.pullRequests == 2)
        #expect(summary.quarantinedAtHub == 1)
        #expect(summary.cursor == 12)
        #expect(s.isFinished)
    }

    @Test func afterANewEpochTheRoundAsksWhatTheHubHoldsBeforePushing() throws {
        // The hub was restored: we believed 9 acknowledged, it holds 4 (spec §13.7).
        var s = SyncSession(nodeID: me, pushAcked: 9, cursor: 0, acksVerified: false)
        guard case .sendPush(let probe, let frame) = s.start() else { Issue.record("expected the probe"); return }
        #expect(try probe.isEmpty && BatchCodec.decode(frame).isEmpty)
        #expect(s.pushAcknowledged(ack(4)) == .recordAck(contiguous: 4), "the probe's ack is followed backwards")
        #expect(s.ackRecorded() == .loadPending(maxOps: 500, maxBytes: 256 * 1024 - 42))
        #expect(s.pushAcked == 4)
        guard case .sendPush(let resent, _) = s.pendingLoaded([op(5), op(6)]) else { Issue.record("expected the resend"); return }
        #expect(resent.map(\.seq) == [5, 6])
        #expect(s.summary.rewoundTo == 4 && s.summary.probed)
        // Verified acknowledgements and nothing held: no probe.
        var plain = SyncSession(nodeID: me, pushAcked: 9, cursor: 0)
        #expect(plain.start() == .loadPending(maxOps: 500, maxBytes: 256 * 1024 - 42))
        // Ops held in quarantine at the hub: probe, so the count follows an admin's release.
        var held = SyncSession(nodeID: me, pushAcked: 9, cursor: 0, heldAtHub: 3)
        guard case .sendPush(let empty, _) = held.start(), empty.isEmpty else { Issue.record("expected the probe"); return }
        #expect(held.pushAcknowledged(ack(9, quarantined: 0)) == .recordAck(contiguous: 9))
        #expect(held.summary.quarantinedAtHub == 0 && held.summary.rewoundTo == nil)
    }

    @Test func framesStayWithinTheByteLimitAndASingleLargeOpStillMoves() throws {
        let limits = SyncSession.Limits(maxBatchBytes: 2048)
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0, limits: limits)
        _ = s.start()
        var noise = SeededRandom(seed: 3)
        let big = (1...40).map { seq in op(seq, text: String((0..<100).map { _ in Character(UnicodeScalar(UInt8.random(in: 33...126, using: &noise))) })) }
        guard case .sendPush(let batch, let frame) = s.pendingLoaded(big) else { Issue.record("expected a push"); return }
        #expect(frame.count <= 2048)
        #expect(batch.count > 1 && batch.count < 40)
        #expect(batch == Array(big.prefix(batch.count)))
        // A single op larger than the limit is sent alone (spec §10.4: at least one op moves).
        var t = SyncSession(nodeID: me, pushAcked: 0, cursor: 0, limits: limits)
        _ = t.start()
        var random = SeededRandom(seed: 7)
        let huge = op(1, text: String((0..<5000).map { _ in Character(UnicodeScalar(UInt8.random(in: 33...126, using: &random))) }))
        guard case .sendPush(let alone, let hugeFrame) = t.pendingLoaded([huge, op(2)]) else { Issue.record("expected a push"); return }
        #expect(alone == [huge])
        #expect(hugeFrame.count > 2048)
    }

    @Test func opsPerBatchAreCapped() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0, limits: .init(maxBatchOps: 3))
        _ = s.start()
        guard case .sendPush(let batch, _) = s.pendingLoaded((1...10).map { op($0) }) else { Issue.record("expected a push"); return }
        #expect(batch.map(\.seq) == [1, 2, 3])
    }

    @Test func lostAckEndsTheRoundAndTheNextRoundResendsTheSameBatch() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = s.start()
        guard case .sendPush(_, let frame) = s.pendingLoaded([op(1), op(2)]) else { Issue.record("expected a push"); return }
        let lost = SyncClientError(.transport, "connection reset", retry: .backoff, transportCode: "receiveFailed")
        #expect(failure(s.failed(lost))?.retry == .backoff)
        #expect(s.isFinished)
        // Nothing was recorded, so the next round starts from the same acknowledgement.
        var next = SyncSession(nodeID: me, pushAcked: s.pushAcked, cursor: 0)
        _ = next.start()
        guard case .sendPush(_, let again) = next.pendingLoaded([op(1), op(2)]) else { Issue.record("expected a push"); return }
        #expect(again == frame)
    }

    @Test func partialAckRecordsWhatIsHeldAndContinuesFromThere() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = s.start()
        _ = s.pendingLoaded([op(1), op(2), op(3), op(4)])
        #expect(s.pushAcknowledged(ack(2, highest: 4, gaps: [3...3])) == .recordAck(contiguous: 2))
        _ = s.ackRecorded()
        #expect(s.pushAcked == 2)
        guard case .sendPush(let batch, _) = s.pendingLoaded([op(3), op(4)]) else { Issue.record("expected a push"); return }
        #expect(batch.map(\.seq) == [3, 4])
    }

    @Test func ackWithoutProgressOrWithoutOurOriginEndsTheRound() {
        var s = SyncSession(nodeID: me, pushAcked: 5, cursor: 0)
        _ = s.start()
        _ = s.pendingLoaded([op(6)])
        let stuck = failure(s.pushAcknowledged(ack(5)))
        #expect(stuck?.code == .badResponse && stuck?.retry == .backoff)

        var t = SyncSession(nodeID: me, pushAcked: 5, cursor: 0)
        _ = t.start()
        _ = t.pendingLoaded([op(6)])
        #expect(failure(t.pushAcknowledged(ack(6, origin: hub)))?.code == .badResponse)

    }

    @Test func aHubThatLostAcknowledgedOpsIsSentThemAgain() {
        // The hub holds our batch but lost ops it acknowledged before (restored from a backup):
        // the session follows it back and resends from there.
        var u = SyncSession(nodeID: me, pushAcked: 5, cursor: 0)
        _ = u.start()
        _ = u.pendingLoaded([op(6)])
        #expect(u.pushAcknowledged(ack(2, highest: 6, gaps: [3...5])) == .recordAck(contiguous: 2))
        guard case .loadPending = u.ackRecorded() else { Issue.record("expected the next batch to load"); return }
        #expect(u.pushAcked == 2)
        guard case .sendPush(let batch, _) = u.pendingLoaded([op(3), op(4), op(5), op(6)]) else {
            Issue.record("expected the lost ops to be pushed again"); return
        }
        #expect(batch.map(\.seq) == [3, 4, 5, 6])
    }

    @Test func staleCounterResendsTheSameRequestAtMostThreeTimes() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = s.start()
        let push = s.pendingLoaded([op(1)])
        let stale = wire(.staleCounter, lastCounter: 99)
        #expect(s.failed(stale) == push)
        #expect(s.failed(stale) == push)
        #expect(s.failed(stale) == push)
        let gaveUp = failure(s.failed(stale))
        #expect(gaveUp?.retry == .backoff)
        #expect(gaveUp?.wire?.code == .staleCounter)
    }

    @Test func successResetsTheImmediateRetryCount() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = s.start()
        _ = s.pendingLoaded([op(1)])
        for _ in 0..<3 { _ = s.failed(wire(.staleCounter)) }
        _ = s.pushAcknowledged(ack(1))
        _ = s.ackRecorded()
        let push = s.pendingLoaded([op(2)])
        for _ in 0..<3 { #expect(s.failed(wire(.staleCounter)) == push) }
    }

    @Test func tooLargeHalvesThePushAndStopsAtOneOp() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = s.start()
        _ = s.pendingLoaded((1...8).map { op($0) })
        #expect(s.failed(wire(.tooLarge)) == .loadPending(maxOps: 4, maxBytes: 128 * 1024 - 42))
        guard case .sendPush(let batch, _) = s.pendingLoaded((1...8).map { op($0) }) else { Issue.record("expected a push"); return }
        #expect(batch.count == 4)

        var one = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = one.start()
        _ = one.pendingLoaded([op(1)])
        #expect(failure(one.failed(wire(.tooLarge)))?.retry == .stop)
    }

    @Test func tooLargeHalvesThePullDownTo1024() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 7, limits: .init(pullMaxBytes: 3000))
        _ = s.start()
        _ = s.pendingLoaded([])
        #expect(s.failed(wire(.tooLarge)) == .sendPull(PullRequest(cursor: 7, maxBytes: 1500)))
        #expect(s.failed(wire(.tooLarge)) == .sendPull(PullRequest(cursor: 7, maxBytes: 1024)))
        #expect(s.failed(wire(.tooLarge)) == .sendPull(PullRequest(cursor: 7, maxBytes: 1024)))
    }

    @Test func resyncRequiredPullsFromZeroButNeverLoops() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 40)
        _ = s.start()
        _ = s.pendingLoaded([])
        #expect(s.failed(wire(.resyncRequired)) == .sendPull(PullRequest(cursor: 0, maxBytes: 1 << 20)))
        #expect(s.cursor == 0)
        #expect(failure(s.failed(wire(.resyncRequired)))?.code == .badResponse)

        var t = SyncSession(nodeID: me, pushAcked: 0, cursor: 40)
        _ = t.start()
        _ = t.pendingLoaded([])
        _ = t.failed(wire(.resyncRequired))
        _ = t.pullAnswered(PullResponse(ops: [], nextCursor: 41, more: false))
        guard case .done(let summary) = t.pulledApplied(ApplyOutcome()) else { Issue.record("expected done"); return }
        #expect(summary.resynced)
    }

    @Test(arguments: [
        (WireError.Code.revoked, Retry.stop), (.unauthenticated, .reenroll), (.unsupportedVersion, .stop),
        (.malformed, .stop), (.opConflict, .stop), (.foreignOrigin, .stop),
        (.rateLimited, .backoff), (.internalError, .backoff), (.unavailable, .backoff),
    ])
    func retryAdviceEndsTheRoundWithThatAdvice(code: WireError.Code, retry: Retry) {
        for pulling in [false, true] {
            var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
            _ = s.start()
            _ = s.pendingLoaded(pulling ? [] : [op(1)])
            let error = failure(s.failed(.hub(WireError(code, "x"), retryAfter: .seconds(30))))
            #expect(error?.retry == retry)
            #expect(error?.wire?.code == code)
            #expect(error?.retryAfter == .seconds(30))
            #expect(s.isFinished)
        }
    }

    @Test func transportFailureIsBackoffAndInvalidRequestIsStop() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = s.start()
        _ = s.pendingLoaded([])
        let error = SyncClientError(.transport, "refused", retry: .backoff, transportCode: "couldNotConnect")
        #expect(failure(s.failed(error)) == error)
    }

    @Test func cursorGoingBackwardsStopsAndStalledMoreFails() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 9)
        _ = s.start()
        _ = s.pendingLoaded([])
        #expect(failure(s.pullAnswered(PullResponse(ops: [], nextCursor: 8, more: false)))?.retry == .stop)

        var t = SyncSession(nodeID: me, pushAcked: 0, cursor: 9)
        _ = t.start()
        _ = t.pendingLoaded([])
        #expect(failure(t.pullAnswered(PullResponse(ops: [], nextCursor: 9, more: true)))?.retry == .backoff)
    }

    @Test func eventsOutOfOrderAndForeignPendingOpsAreBugsNotCrashes() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        #expect(failure(s.ackRecorded())?.code == .internalError)
        var t = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = t.start()
        #expect(failure(t.pushAcknowledged(ack(1)))?.code == .internalError)
        var u = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = u.start()
        #expect(failure(u.pendingLoaded([op(1, origin: hub)]))?.code == .internalError)
        var v = SyncSession(nodeID: me, pushAcked: 3, cursor: 0)
        _ = v.start()
        #expect(failure(v.pendingLoaded([op(2)]))?.code == .internalError)
    }

    @Test func storeFailuresEndTheRoundWithTheirAdvice() {
        var s = SyncSession(nodeID: me, pushAcked: 0, cursor: 0)
        _ = s.start()
        _ = s.pendingLoaded([op(1)])
        _ = s.pushAcknowledged(ack(1))
        let behind = SyncClientError(.storeBehindHub, "restored", retry: .stop)
        #expect(failure(s.failed(behind)) == behind)
    }
}
