import HTTP
import SyncEngine
import SyncProtocol

extension HubEndpoints {
    /// `POST /v1/push` (spec §10.3): decode the frame, check ownership, apply in one
    /// transaction (which also records withdrawals and amendments of received reports,
    /// `ReportEvents` via the store's merge observer), stamp new reports, then answer the ack
    /// read after the commit.
    func push(_ request: HTTPRequest, node: EnrolledNode, context: RequestContext) async throws -> HTTPResponse {
        try await pushGate.run { try await gatedPush(request, node: node, context: context) }
    }

    private func gatedPush(_ request: HTTPRequest, node: EnrolledNode, context: RequestContext) async throws -> HTTPResponse {
        let body = try ContentCoding.decodedBody(request, maxBytes: maxBodyBytes)
        let ops: [Op]
        do {
            ops = try BatchCodec.decode(body)
        } catch {
            throw HubWireError.malformed(error)
        }
        try PushAuthorization.check(ops, node: node.nodeID)
        // One transaction (issue 15): the ops, the receipt stamps they cause and the ack read
        // commit together — one fsync, and no stamp can be missing for a committed batch.
        let now = clock()
        let origins = [node.nodeID]
        let outcome: ApplyOutcome, stamped: Int, states: [OriginState], changed: (withdrawals: Int, amendments: Int)
        do {
            (outcome, stamped, states, changed) = try await store.async { store in
                try store.transaction { tx in
                    let outcome = try tx.apply(ops)
                    let stamped = try ReceiptStamper.stamp(in: tx, batch: ops, released: outcome.releasedEntities, now: now)
                    return (outcome, stamped, try tx.originStates(origins), try ReportEvents.counts(in: tx, ops: ops))
                }
            }
        } catch let error as StoreError where error.code == .divergentOp {
            throw HubWireError(.opConflict)
        } catch let error as StoreError where error.code == .quarantineFull {
            log.warning("push refused: quarantine full", ["request_id": context.requestID, "node": node.nodeID.hex])
            throw HubWireError.quarantineFull(limit: store.options.maxQuarantinedPerOrigin)
        }
        if changed.withdrawals > 0 || changed.amendments > 0 {
            // Counts only: what changed is shown by `missionhub report show`, never logged.
            log.notice("push changed received reports", [
                "request_id": context.requestID, "node": node.nodeID.hex,
                "withdrawn": String(changed.withdrawals), "amended": String(changed.amendments),
            ])
        }
        let ack = PushAck(perOrigin: states.map(Self.originAck), hubTime: clock())
        log.info("push applied", [
            "request_id": context.requestID, "node": node.nodeID.hex, "ops": String(ops.count),
            "merged": String(outcome.merged), "duplicates": String(outcome.duplicates),
            "quarantined": String(outcome.quarantined), "released": String(outcome.released), "stamped": String(stamped),
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
