import Foundation
import Toolkit
import JSON

/// The UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The error `JSON.parse` throws for `input`, or nil when it parses.
func parseFailure(_ input: [UInt8], limits: JSONLimits = .default) -> JSONParseError? {
    do {
        _ = try JSON.parse(input, limits: limits)
        return nil
    } catch {
        return error
    }
}

typealias SeededGenerator = SplitMix64

/// The seed for a randomized test: `JSON_SEED` from the environment to replay a failure, else
/// a fresh one. Printed either way, so a failing run can be replayed.
func testSeed(_ test: String) -> UInt64 {
    let seed = ProcessInfo.processInfo.environment["JSON_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: 0...UInt64.max)
    print("\(test): seed \(seed) (replay with JSON_SEED=\(seed))")
    return seed
}

/// Random JSON values, shaped to reach the encoder's and parser's edge cases.
struct RandomJSON {
    var rng: SeededGenerator

    mutating func value(depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(integer())
        case 3: return .double(double())
        case 4, 5: return .string(string())
        case 6, 7:
            return .array((0..<Int.random(in: 0...5, using: &rng)).map { _ in value(depth: depth - 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &rng) { object[string()] = value(depth: depth - 1) }
            return .object(object)
        }
    }

    mutating func integer() -> Int64 {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return [Int64.min, Int64.max, 0, -1, 1][Int.random(in: 0..<5, using: &rng)]
        case 1: return Int64.random(in: -1000...1000, using: &rng)
        default: return Int64(bitPattern: rng.next())
        }
    }

    mutating func double() -> Double {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return [0.1, -0.0, 1e308, -1.7976931348623157e308, .leastNonzeroMagnitude, 2.2250738585072014e-308, 3.0, 1e16][Int.random(in: 0..<8, using: &rng)]
        case 1: return Double.random(in: -1e6...1e6, using: &rng)
        default:
            var d: Double
            repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
            return d
        }
    }

    mutating func string() -> String {
        let pieces: [String] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é",
                                "e\u{301}", "€", "\u{FEFF}", "\u{2028}", "😀", "\u{10FFFF}", "\u{FFFD}", "mission"]
        var s = ""
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            if Bool.random(using: &rng) {
                s += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            } else {
                // Any scalar outside the surrogate range.
                var v: UInt32
                repeat { v = UInt32.random(in: 0...0x10FFFF, using: &rng) } while (0xD800...0xDFFF).contains(v)
                s.unicodeScalars.append(Unicode.Scalar(v)!)
            }
        }
        return s
    }
}
