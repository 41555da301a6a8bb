import Foundation
import Toolkit
@testable import HTTP

/// Feeds `chunks` one after another and collects every action other than `.needMoreData`,
/// stopping at the first error.
func parse(_ chunks: [ArraySlice<UInt8>], limits: HTTPLimits = .default) -> [HTTPRequestParser.Action] {
    var parser = HTTPRequestParser(limits: limits)
    var actions: [HTTPRequestParser.Action] = []
    for chunk in chunks {
        parser.feed(chunk)
        while true {
            let action = parser.next()
            if action == .needMoreData { break }
            actions.append(action)
            if case .error = action { return actions }
        }
    }
    return actions
}

func parse(_ text: String, limits: HTTPLimits = .default) -> [HTTPRequestParser.Action] {
    parse([ArraySlice(text.utf8)], limits: limits)
}

/// The requests among `actions`.
func requests(_ actions: [HTTPRequestParser.Action]) -> [HTTPRequest] {
    actions.compactMap { if case .request(let request) = $0 { return request } else { return nil } }
}

/// The first error among `actions`.
func firstError(_ actions: [HTTPRequestParser.Action]) -> HTTPParseError? {
    actions.lazy.compactMap { if case .error(let error) = $0 { return error } else { return nil } }.first
}

typealias SeededGenerator = SplitMix64

/// The seed for randomized tests: `HTTP_SEED` from the environment, else a fresh one.
/// It is printed so a failing run can be replayed with `HTTP_SEED=<seed> swift test`.
func testSeed(_ test: String) -> UInt64 {
    let seed = ProcessInfo.processInfo.environment["HTTP_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0 ... .max)
    print("\(test): HTTP_SEED=\(seed)")
    return seed
}

/// `bytes` cut at random points into pieces of 1...maxPiece bytes.
func randomSplits(_ bytes: [UInt8], maxPiece: Int, using generator: inout SeededGenerator) -> [ArraySlice<UInt8>] {
    var pieces: [ArraySlice<UInt8>] = []
    var index = 0
    while index < bytes.count {
        let size = Int.random(in: 1...maxPiece, using: &generator)
        let end = min(bytes.count, index + size)
        pieces.append(bytes[index..<end])
        index = end
    }
    return pieces
}
