import Testing
@testable import SyncProtocol

@Suite struct MessageTests {
    @Test func originAckFromStoredRanges() {
        let a = OriginAck(origin: node(1), stored: [5...6, 1...3, 2...2, 9...9], quarantined: 1)
        #expect(a.contiguousSeq == 3 && a.highestSeq == 9 && a.gaps == [4...4, 7...8])
        #expect(a.holds(1) && a.holds(5) && a.holds(9) && !a.holds(4) && !a.holds(8) && !a.holds(10) && !a.holds(0))
        let b = OriginAck(origin: node(1), stored: [3...4], quarantined: 0)
        #expect(b.contiguousSeq == 0 && b.gaps == [1...2] && b.highestSeq == 4)
        let c = OriginAck(origin: node(1), stored: [1...2, 3...7], quarantined: 0)
        #expect(c.contiguousSeq == 7 && c.gaps.isEmpty && c.highestSeq == 7)
        let empty = OriginAck(origin: node(1), stored: [], quarantined: 0)
        #expect(empty.contiguousSeq == 0 && empty.highestSeq == 0 && empty.gaps.isEmpty)
    }

    @Test func pushAckRoundTripsAndSortsOrigins() throws {
        let ack = PushAck(perOrigin: [OriginAck(origin: node(2), stored: [1...3, 6...9], quarantined: 2),
                                      OriginAck(origin: node(1), stored: [1...300], quarantined: 0)],
                          hubTime: 1_763_900_000_000)
        let back = try PushAck.decode(ack.encode())
        #expect(back.hubTime == ack.hubTime)
        #expect(back.perOrigin == ack.perOrigin.sorted { $0.origin < $1.origin })
    }

    @Test func pushAckRefusesBrokenGapRules() {
        func bytes(contiguous: UInt8, highest: UInt8, gaps: [(UInt8, UInt8)]) -> [UInt8] {
            [0x41, 0x01, 0x05, 0x01] + [UInt8](repeating: 1, count: 16) + [contiguous, highest, UInt8(gaps.count)]
                + gaps.flatMap { [$0.0, $0.1] } + [0]
        }
        #expect(throws: Never.self) { try PushAck.decode(bytes(contiguous: 3, highest: 9, gaps: [(4, 4), (7, 8)])) }
        #expect(throws: CodecError(.badValue, at: 23)) { try PushAck.decode(bytes(contiguous: 3, highest: 9, gaps: [(5, 5)])) }
        #expect(throws: CodecError(.badValue, at: 25)) { try PushAck.decode(bytes(contiguous: 3, highest: 9, gaps: [(4, 4), (5, 6)])) }
        #expect(throws: CodecError(.badValue, at: 23)) { try PushAck.decode(bytes(contiguous: 3, highest: 9, gaps: [(4, 9)])) }
        #expect(throws: CodecError(.badValue, at: 23)) { try PushAck.decode(bytes(contiguous: 3, highest: 9, gaps: [(5, 4)])) }
        #expect(throws: CodecError(.badValue, at: 21)) { try PushAck.decode(bytes(contiguous: 3, highest: 2, gaps: [])) }
        #expect(throws: CodecError(.badValue, at: 21)) { try PushAck.decode(bytes(contiguous: 3, highest: 5, gaps: [])) }
        #expect(throws: CodecError(.badTag, at: 0)) { try PushAck.decode([0x51, 0x01]) }
        #expect(throws: CodecError(.badVersion, at: 1)) { try PushAck.decode([0x41, 0x02]) }
        let two = [0x41, 0x01, 0x05, 0x02] + [UInt8](repeating: 2, count: 16) + [0, 0, 0, 0] + [UInt8](repeating: 1, count: 16) + [0, 0, 0, 0]
        #expect(throws: CodecError(.unsorted, at: 24)) { try PushAck.decode(two) }
    }

    @Test func pushAckAtTheTopOfTheSeqRangeNeverWraps() throws {
        let top = UInt64.max
        let acks = [
            OriginAck(origin: node(1), contiguousSeq: top, highestSeq: top, gaps: [], quarantined: 0),
            OriginAck(origin: node(2), contiguousSeq: top - 3, highestSeq: top, gaps: [(top - 2)...(top - 1)], quarantined: 1),
            OriginAck(origin: node(3), stored: [5...top, 7...9, 1...2], quarantined: 0),
        ]
        #expect(acks[2] == OriginAck(origin: node(3), contiguousSeq: 2, highestSeq: top, gaps: [3...4], quarantined: 0))
        let ack = PushAck(perOrigin: acks, hubTime: 1)
        #expect(try PushAck.decode(ack.encode()) == ack)
        #expect(acks[1].holds(top) && !acks[1].holds(top - 1) && acks[0].holds(top))
    }

    @Test func pullMessagesRoundTrip() throws {
        let request = PullRequest(cursor: 1234, maxBytes: 65536)
        #expect(request.encode() == [0x51, 0x01, 0xD2, 0x09, 0x80, 0x80, 0x04])
        #expect(try PullRequest.decode(request.encode()) == request)
        #expect(throws: CodecError(.badValue, at: 3)) { try PullRequest.decode([0x51, 0x01, 0x00, 0x10]) }
        #expect(throws: CodecError(.trailingBytes, at: 7)) { try PullRequest.decode(request.encode() + [0]) }
        let ops = MergeScenarios.all[1].ops
        let response = PullResponse(ops: ops, nextCursor: 99, more: true)
        let decoded = try PullResponse.decode(response.encode(compress: false))
        #expect(decoded.nextCursor == 99 && decoded.more && decoded.ops == ops.sorted { $0.id < $1.id })
        var damaged = response.encode(compress: false)
        damaged[4] ^= 0xFF  // first magic byte of the embedded frame
        #expect(throws: CodecError(.badMagic, at: 4)) { try PullResponse.decode(damaged) }
        #expect(throws: CodecError(.badFlags, at: 2)) { try PullResponse.decode([0x52, 0x01, 0x02, 0x00]) }
    }

    @Test func wireErrorsCarryStatusRetryAndExactJSON() {
        let e = WireError(.revoked, "This device was revoked; ask the mission hub admin.")
        #expect(e.status == 401 && e.retry == .stop)
        #expect(String(decoding: e.jsonBody(), as: UTF8.self)
                == #"{"error":{"code":"revoked","message":"This device was revoked; ask the mission hub admin.","retry":"stop"}}"#)
        #expect(WireError.quote("a\"b\\c\n\u{1}é") == #""a\"b\\c\n\u0001é""#)
        #expect(WireError.Code.unsupportedVersion.status == 400 && WireError.Code.unsupportedVersion.retry == .stop)
        #expect(WireError.Code.unauthenticated.retry == .reenroll)
        #expect(WireError.Code.unavailable.retry == .backoff && WireError.Code.tooLarge.retry == .now)
    }

    @Test func signatureBaseStringIsExact() {
        let base = RequestSigning.baseString(method: "POST", path: "/v1/push", node: node(0xAB), counter: 1_763_900_000_000_000, body: [])
        #expect(String(decoding: base, as: UTF8.self) == """
            FS-SIG-1
            POST
            /v1/push
            abababababababababababababababab
            1763900000000000
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(RequestSigning.nextCounter(after: 5, wallMilliseconds: 2) == 2000)
        #expect(RequestSigning.nextCounter(after: 5000, wallMilliseconds: 2) == 5001)
    }
}
