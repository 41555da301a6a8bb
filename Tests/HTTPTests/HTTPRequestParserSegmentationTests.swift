import Testing
import Toolkit
@testable import HTTP

/// The parser's answer depends only on the bytes, never on how TCP cut them (parser invariant 4).
@Suite struct HTTPRequestParserSegmentationTests {
    /// What a connection does with a stream: the requests it answers, the error it answers and
    /// closes with (at once, or when the peer ends its side mid-request).
    struct Outcome: Equatable, CustomStringConvertible {
        var requests: [HTTPRequest] = []
        var error: HTTPParseError?

        var description: String {
            "\(requests.count) request(s) \(requests.map(\.target)), error \(error.map { "\($0.code) \($0.status)" } ?? "none")"
        }
    }

    static func outcome(_ pieces: [ArraySlice<UInt8>], limits: HTTPLimits) -> Outcome {
        var parser = HTTPRequestParser(limits: limits)
        var outcome = Outcome()
        for piece in pieces {
            parser.feed(piece)
            while true {
                switch parser.next() {
                case .needMoreData: break
                case .sendContinue: continue  // left out when body bytes already arrived (allowed)
                case .request(let request): outcome.requests.append(request); continue
                case .error(let error): outcome.error = error; return outcome
                }
                break
            }
        }
        outcome.error = parser.inputEnded()
        return outcome
    }

    @Test func everyCorpusInputGetsOneOutcomeHoweverItIsSplit() {
        let seed = testSeed("everyCorpusInputGetsOneOutcomeHoweverItIsSplit")
        var generator = SeededGenerator(seed: seed)
        for entry in ParserCorpus.all {
            let bytes = entry.bytes
            let whole = Self.outcome([bytes[...]], limits: entry.limits)
            let byteByByte = Self.outcome(bytes.indices.map { bytes[$0...$0] }, limits: entry.limits)
            #expect(byteByByte == whole, "\(entry): whole \(whole), byte by byte \(byteByByte)")
            // Every cut into two writes.
            for cut in 1..<max(1, bytes.count) {
                let two = Self.outcome([bytes[..<cut], bytes[cut...]], limits: entry.limits)
                #expect(two == whole, "\(entry): whole \(whole), cut at \(cut) \(two)")
            }
            for _ in 0..<50 {
                let pieces = randomSplits(bytes, maxPiece: Int.random(in: 1...max(1, bytes.count), using: &generator),
                                          using: &generator)
                let split = Self.outcome(pieces, limits: entry.limits)
                #expect(split == whole, "\(entry): whole \(whole), pieces \(pieces.map(\.count)) \(split); HTTP_SEED=\(seed)")
            }
        }
    }

    @Test func randomInputsFromHTTPFragmentsGetOneOutcomeWholeAndByteByByte() {
        let seed = testSeed("randomInputsFromHTTPFragmentsGetOneOutcomeWholeAndByteByByte")
        var generator = SeededGenerator(seed: seed)
        let fragments = ["GET", "POST", " ", "/", "/a", "HTTP/1.1", "HTTP/1.0", "\r\n", "\n", "\r", "Host: h", ":", "\t",
                         "Content-Length: 3", "Content-Length: 99", "Transfer-Encoding: chunked", "Expect: 100-continue",
                         "Connection: close", "X: ", "aaaaaaaaaaaa", "0", "3", "abc", ";e", "ffffffffffffffff"]
        let limits = HTTPLimits(maxRequestLineBytes: 24, maxHeaderBytes: 48, maxHeaderCount: 3, maxBodyBytes: 8,
                                maxChunkLineBytes: 10)
        for _ in 0..<5_000 {
            var text = Bool.random(using: &generator) ? "POST / HTTP/1.1\r\nHost: h\r\n" : ""
            for _ in 0..<Int.random(in: 1...14, using: &generator) { text += fragments.randomElement(using: &generator)! }
            let bytes = Array(text.utf8)
            let whole = Self.outcome([bytes[...]], limits: limits)
            let byteByByte = Self.outcome(bytes.indices.map { bytes[$0...$0] }, limits: limits)
            #expect(byteByByte == whole, "\(text.debugDescription): whole \(whole), byte by byte \(byteByByte); HTTP_SEED=\(seed)")
        }
    }

    @Test func theCorpusHoldsEveryKindOfInput() {
        // Guards the test above against a corpus that lost its cases.
        let outcomes = ParserCorpus.all.map { Self.outcome([$0.bytes[...]], limits: $0.limits) }
        #expect(ParserCorpus.malformed.count == HTTPRequestParserErrorTests.cases.count)
        #expect(outcomes.contains { !$0.requests.isEmpty && $0.error == nil })
        #expect(outcomes.contains { !$0.requests.isEmpty && $0.error != nil })
        let statuses = Set(outcomes.compactMap { outcome in outcome.error.map(\.status) })
        #expect(statuses.isSuperset(of: [400, 411, 413, 414, 417, 431, 501, 505]))
    }
}
