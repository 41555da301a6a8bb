@testable import SyncProtocol

/// The deterministic generator of Protocols/vectors/*.json. Run with FIELDSYNC_WRITE_VECTORS=1
/// to rewrite the files; otherwise the tests compare against the committed files.
enum VectorCases {
    static let t0: UInt64 = 1_763_900_000_000
    /// A report created by node A: owner-prefixed id, so it is in scope `node:a1…a1` (spec §14).
    static let reportID = nodeA.hex + "-7q4k2m"

    static func op(_ n: NodeID, _ seq: UInt64, _ action: Action, ms: UInt64 = t0, counter: UInt16 = 0,
                   collection: String = "report", entity: String = reportID) -> Op {
        Op(id: OpID(origin: n, seq: seq), hlc: HLC(milliseconds: ms, counter: counter), collection: collection, entity: entity, action: action)
    }

    static let opCases: [(String, Op)] = [
        ("exist-create", op(nodeA, 1, .exist(causalLength: 1))),
        ("exist-recreate-multibyte-length", op(nodeA, 2, .exist(causalLength: 300), counter: 1)),
        ("set-string-rank-supersedes", op(nodeB, 7, .set(field: "status", value: .string("referred"), rank: 1,
                                                         supersedes: [id(nodeA, 3), id(nodeC, 129)]), counter: 65535)),
        ("set-null", op(nodeA, 3, .set(field: "incident.premises", value: .null, rank: 0, supersedes: []))),
        ("set-bool-true", op(nodeA, 4, .set(field: "consent.followUpContact", value: .bool(true), rank: 0, supersedes: []))),
        ("set-bool-false", op(nodeA, 5, .set(field: "involvesChild", value: .bool(false), rank: 0, supersedes: [id(nodeA, 4)]))),
        ("set-int-negative", op(nodeA, 6, .set(field: "delta", value: .int(-1), rank: 0, supersedes: []))),
        ("set-int-min", op(nodeA, 7, .set(field: "n", value: .int(Int64.min), rank: 0, supersedes: []))),
        ("set-int-max", op(nodeA, 8, .set(field: "n", value: .int(Int64.max), rank: 0, supersedes: []))),
        ("set-double", op(nodeA, 9, .set(field: "coordinates.lat", value: .double(4.3947), rank: 0, supersedes: []))),
        ("set-double-negative-fraction", op(nodeA, 10, .set(field: "coordinates.lon", value: .double(-18.5582), rank: 0, supersedes: []))),
        ("set-double-negative-zero-written-as-zero", op(nodeA, 11, .set(field: "x", value: .double(-0.0), rank: 0, supersedes: []))),
        ("set-string-unicode", op(nodeA, 12, .set(field: "incident.area", value: .string("Bangui — PK5 é e\u{301} 🙂 中文"), rank: 0, supersedes: []))),
        ("set-string-empty", op(nodeA, 13, .set(field: "unit", value: .string(""), rank: 0, supersedes: []))),
        ("set-bytes", op(nodeA, 14, .set(field: "photoHash", value: .bytes([0x00, 0xFF, 0x10, 0x80]), rank: 0, supersedes: []))),
        ("set-sealed", op(nodeA, 15, .set(field: "allegation.narrative", value: .sealed(SealedValue(keyID: [0x6B, 0x31],
                                                                                                     ciphertext: [0xDE, 0xAD, 0xBE, 0xEF, 0x01])),
                                          rank: 0, supersedes: []))),
        ("add-string", op(nodeA, 16, .add(field: "allegation.types", element: .string("sexual_exploitation")))),
        ("add-int", op(nodeA, 17, .add(field: "flags", element: .int(42)))),
        ("remove-tags", op(nodeB, 8, .remove(field: "allegation.types", element: .string("sexual_exploitation"),
                                             tags: [id(nodeA, 16), id(nodeB, 2)]))),
        ("remove-no-tags", op(nodeB, 9, .remove(field: "needs", element: .string("legal"), tags: []))),
        ("unicode-names-and-high-seq", op(nodeC, 1 << 62, .exist(causalLength: 1), ms: HLC.maxMilliseconds, counter: 65535,
                                          collection: "ref.mission", entity: "Centrafrique—Bangui")),
        ("hlc-zero", op(nodeC, 1, .add(field: "f", element: .null), ms: 0)),
    ]

    static func statusStep(_ s: Int) -> Op {
        let seq = UInt64(s)
        let supersedes: [OpID] = s > 1 ? [id(nodeA, seq - 1)] : []
        let action = Action.set(field: "status", value: .string("s\(s)"), rank: UInt32(s), supersedes: supersedes)
        return op(nodeA, seq, action, ms: t0 + seq * 1000, counter: UInt16(s))
    }

    static var batchCases: [(String, [Op])] {
        let scenario = MergeScenarios.all.first { $0.name == "conflict-resolved" }!.ops
        return [
            ("empty", []),
            ("single-op", [opCases[0].1]),
            ("one-origin-delta-seq-and-hlc", (1...4).map(statusStep)),
            ("three-origins-shared-names", scenario),
            ("unsorted-input-with-repeat", [opCases[2].1, opCases[0].1, opCases[18].1, opCases[0].1, opCases[1].1]),
            ("every-value-tag", Array(opCases.prefix(17).map(\.1))),
        ]
    }
}
