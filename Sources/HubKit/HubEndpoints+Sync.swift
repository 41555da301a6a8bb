import HTTP
import SyncEngine
import SyncProtocol

extension HubEndpoints {
    /// A push's frame, decoded and checked, waiting for its commit group.
    struct DecodedPush: Sendable {
        let ops: [Op]
        /// The ops' encoded size: what the push weighs in `applyGate`.
        let bytes: Int
    }

    /// What one push's savepoint did.
    struct AppliedPush: Sendable {
        let ops: Int
        let outcome: ApplyOutcome
        let stamped: Int
        let states: [OriginState]
        let changed: (withdrawals: Int, amendments: Int)
    }

    /// `POST /v1/push` (spec §10.3): decode the frame and check ownership (`pushGate`: a few at
    /// a time), then one grouped call (`Store.grouped`, issue 15): the counter is accepted in
    /// the call's savepoint, and the push in a savepoint nested in it — apply (which also
    /// records withdrawals and amendments of received reports, `ReportEvents` via the store's
    /// merge observer), stamp new reports, read the ack — so the counter, the ops, the stamps
    /// and what the ack says commit together, with the other requests of the group, in one
    /// COMMIT. A push refused after its counter was accepted (a malformed frame, a foreign
    /// origin, a conflict) rolls back its own savepoint and still spends the counter. The ack
    /// is answered only after the commit.
    func push(_ request: HTTPRequest, _ signed: SignedRequest, context: RequestContext) async throws
        -> (EnrolledNode, Result<HTTPResponse, any Error>) {
        let maxBodyBytes = self.maxBodyBytes
        let decoded = await pushGate.run { Self.decode(request, node: signed.nodeID, maxBodyBytes: maxBodyBytes) }
        let (store, authenticator, clock) = (self.store, self.authenticator, self.clock)
        let weight = (try? decoded.get().bytes) ?? 1
        let (node, applied) = try await applyGate.run(weight: weight) {
            try await store.grouped { transaction -> (EnrolledNode, Result<AppliedPush, any Error>) in
                let node = try authenticator.accept(signed, in: transaction)
                do {
                    let ops = try decoded.get().ops
                    return (node, .success(try transaction.savepoint { try Self.apply(ops, node: node.nodeID, in: transaction, now: clock()) }))
                } catch {
                    return (node, .failure(error))
                }
            }
        }
        return (node, Result { try answer(applied, node: node, context: context) })
    }

    /// The frame inflated, decoded and checked (spec §10.3), or the refusal.
    static func decode(_ request: HTTPRequest, node: NodeID, maxBodyBytes: Int) -> Result<DecodedPush, HubWireError> {
        do throws(HubWireError) {
            let body = try ContentCoding.decodedBody(request, maxBytes: maxBodyBytes)
            let ops: [Op]
            do {
                ops = try BatchCodec.decode(body)
            } catch {
                throw HubWireError.malformed(error)
            }
            try PushAuthorization.check(ops, node: node)
            return .success(DecodedPush(ops: ops, bytes: ops.reduce(body.count) { $0 + OpCodec.encode($1).count }))
        } catch {
            return .failure(error)
        }
    }

    /// The push's savepoint (issue 15: one transaction for the ops, the receipt stamps they
    /// cause and the ack read, so no stamp can be missing for a committed batch).
    static func apply(_ ops: [Op], node: NodeID, in transaction: StoreTransaction, now: UInt64) throws -> AppliedPush {
        let outcome = try transaction.apply(ops)
        let stamped = try ReceiptStamper.stamp(in: transaction, batch: ops, released: outcome.releasedEntities, now: now)
        return AppliedPush(ops: ops.count, outcome: outcome, stamped: stamped, states: try transaction.originStates([node]),
                           changed: try ReportEvents.counts(in: transaction, ops: ops))
    }

    /// The push ack for a committed push, or the refusal its savepoint threw.
    private func answer(_ applied: Result<AppliedPush, any Error>, node: EnrolledNode, context: RequestContext) throws -> HTTPResponse {
        let push: AppliedPush
        do {
            push = try applied.get()
        } catch let error as StoreError where error.code == .divergentOp {
            throw HubWireError(.opConflict)
        } catch let error as StoreError where error.code == .quarantineFull {
            log.warning("push refused: quarantine full", ["request_id": context.requestID, "node": node.nodeID.hex])
            throw HubWireError.quarantineFull(limit: store.options.maxQuarantinedPerOrigin)
        }
        if push.changed.withdrawals > 0 || push.changed.amendments > 0 {
            // Counts only: what changed is shown by `missionhub report show`, never logged.
            log.notice("push changed received reports", [
                "request_id": context.requestID, "node": node.nodeID.hex,
                "withdrawn": String(push.changed.withdrawals), "amended": String(push.changed.amendments),
            ])
        }
        let ack = PushAck(perOrigin: push.states.map(Self.originAck), hubTime: clock())
        let outcome = push.outcome
        log.info("push applied", [
            "request_id": context.requestID, "node": node.nodeID.hex, "ops": String(push.ops),
            "merged": String(outcome.merged), "duplicates": String(outcome.duplicates),
            "quarantined": String(outcome.quarantined), "released": String(outcome.released), "stamped": String(push.stamped),
        ])
        return Self.binary(ack.encode())
    }

    /// The ack entry for one origin. `originStates` lists at most its first 64 gaps; when it
    /// may have stopped there, the ack claims no seq beyond the last listed gap + 1 (which is
    /// held: a gap ends where a held seq begins), so it never acknowledges an op the hub lacks.
    static func originAck(_ state: OriginState) -> OriginAck {
        var highest = state.maxSeq
        if state.gaps.count >= 64, let last = state.gaps.last { highest = min(highest, last.upperBound + 1) }
        return OriginAck(origin: state.origin, contiguousSeq: state.contiguous, highestSeq: highest,
                         gaps: state.gaps, quarantined: state.quarantined)
    }

    /// `POST /v1/pull` (spec §10.4): the node's scopes after its cursor, at most
    /// min(max bytes asked, `max_pull_bytes`) of frame (counted uncompressed), its own ops
    /// left out, at most `maxPullOps` ops.
    /// The node's counter is committed before this runs (`RequestAuthenticator.accept`).
    func pull(_ request: HTTPRequest, node: EnrolledNode, context: RequestContext) async throws -> HTTPResponse {
        let body = try ContentCoding.decodedBody(request, maxBytes: maxBodyBytes)
        let pull: PullRequest
        do {
            pull = try PullRequest.decode(body)
        } catch {
            throw HubWireError.malformed(error)
        }
        let frameBytes = min(Int(pull.maxBytes), maxPullBytes)
        let budget = max(1, frameBytes - Self.frameOverhead)
        let cursor = Int64(clamping: pull.cursor)
        let scopes = ScopePolicy.scopes(for: node.nodeID)
        let id = node.nodeID
        // On a reader connection: a pull never queues behind pushes (issue 15).
        let slice = try await store.opsForPullAsync(scopes: scopes, excludingOrigin: id, after: cursor,
                                                    maxOps: Self.maxPullOps, maxBytes: budget)
        let next = slice.nextCursor == cursor ? pull.cursor : UInt64(slice.nextCursor)
        let response = PullResponse(ops: slice.ops, nextCursor: next, more: slice.more)
        log.info("pull served", [
            "request_id": context.requestID, "node": node.nodeID.hex, "cursor": String(pull.cursor),
            "next_cursor": String(next), "ops": String(slice.ops.count), "more": String(slice.more),
        ])
        // The frame is deflated when that makes it smaller (spec §8.3: every peer inflates),
        // so slow links gain even when the client asks for no HTTP content coding.
        return Self.binary(response.encode(compress: true))
    }
}
