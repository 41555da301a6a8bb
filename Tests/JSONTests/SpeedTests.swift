import JSON
import Testing

/// A report-shaped document of about 1 MiB.
private func megabyteDocument() -> [UInt8] {
    var reports: [JSONValue] = []
    for i in 0..<1650 {
        reports.append([
            "mission": "MINUSCA", "channel": "hotline", "receivedAt": "2026-11-23T18:18:35Z",
            "incident": ["area": "Bangui PK\(i)", "dateApproximate": true, "coordinates": ["lat": 4.3947, "lon": 18.5582]],
            "allegation": ["types": ["sexual_exploitation", "transactional_sex"],
                           "narrative": "Report \(i) with \"quotes\", a line\nbreak, émigré 😀, and more text to be realistic."],
            "victims": [["ageBand": "15_17", "sex": "female"]],
            "alleged": [["personnelCategory": "military_contingent", "nationality": "unknown", "unit": "Battalion \(i % 7)"]],
            "consent": ["shareWithInvestigators": true, "victimAssistanceReferral": false, "followUpContact": nil],
            "seq": .int(Int64(i)), "score": .double(Double(i) / 7),
        ])
    }
    return JSON.encodeBytes(.array(reports))
}

private func bestParseTime(_ bytes: [UInt8], runs: Int) throws -> Duration {
    let clock = ContinuousClock()
    var best = Duration.seconds(3600)
    for _ in 0..<runs {
        var result: JSONValue = nil
        let elapsed = try clock.measure { result = try JSON.parse(bytes) }
        #expect(result.arrayValue?.isEmpty == false)
        best = min(best, elapsed)
    }
    return best
}

#if DEBUG
private let budget = Duration.seconds(5)  // unoptimized: only catches accidental quadratic work
#else
private let budget = Duration.milliseconds(50)
#endif

@Test func parsesAMegabyteWithinBudget() throws {
    let document = megabyteDocument()
    #expect(document.count > 900_000 && document.count <= 1 << 20)
    let best = try bestParseTime(document, runs: 8)
    #expect(best < budget, "best of 8 parses of \(document.count) bytes took \(best)")
}

@Test func manyEscapesAndSurrogatePairsStayLinear() throws {
    // 1 MiB of escapes: each pair must cost O(1), whatever the position in the input.
    let escapes = "[\"" + String(repeating: "\\uD83D\\uDE00\\n", count: 1_048_000 / 14) + "\"]"
    let bytes = utf8(escapes)
    #expect(bytes.count <= 1 << 20)
    let best = try bestParseTime(bytes, runs: 3)
    #expect(best < budget, "best of 3 parses of \(bytes.count) bytes took \(best)")
}
