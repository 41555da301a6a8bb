import Foundation
import Testing
import TestSupport
@testable import SyncProtocol

/// The committed vectors in Protocols/vectors are the authority: the generator must reproduce
/// them byte for byte, and every case in them must hold against the implementation.
/// `FIELDSYNC_WRITE_VECTORS=1` rewrites them from the generator instead.
@Suite struct VectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocols/vectors")

    static func header(_ about: String) -> [(String, J)] {
        [("protocol", .str("fieldsync sync-v1")), ("spec", .str("Protocols/sync-v1.md")), ("about", .str(about))]
    }

    /// Compares (or, with FIELDSYNC_WRITE_VECTORS=1, writes) one file; returns its parsed JSON.
    /// `exact: false` skips the text comparison (for bytes that depend on the zlib version).
    func check(_ file: String, _ tree: J, exact: Bool = true) throws -> [String: Any] {
        let text = tree.render() + "\n"
        let url = Self.directory.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["FIELDSYNC_WRITE_VECTORS"] == "1" {
            try Data(text.utf8).write(to: url)
        }
        let committed = try Data(contentsOf: url)
        #expect(!exact || String(decoding: committed, as: UTF8.self) == text,
                "\(file) differs from the generator: fix the code, or regenerate with FIELDSYNC_WRITE_VECTORS=1 if the protocol changed on purpose")
        return try VectorParse.dict(try JSONSerialization.jsonObject(with: committed))
    }

    func cases(_ json: [String: Any]) throws -> [[String: Any]] {
        guard let xs = json["cases"] as? [Any] else { throw VectorParseError(description: "no cases") }
        return try xs.map(VectorParse.dict)
    }

    @Test func opsVectors() throws {
        let tree = J.obj(Self.header("one op -> its canonical encoding (spec §6, §7)") + [("cases", .arr(VectorCases.opCases.map { name, op in
            .obj([("name", .str(name)), ("op", VectorForm.op(op)), ("hex", .str(hex(OpCodec.encode(op)))),
                  ("sha256", .str(hex(OpCodec.hash(op))))])
        }))])
        let json = try check("ops.json", tree)
        let parsed = try cases(json)
        #expect(parsed.count >= 12)
        for c in parsed {
            let op = try VectorParse.op(c["op"])
            let bytes = try VectorParse.hex(c["hex"])
            #expect(OpCodec.encode(op) == bytes, "\(c["name"] ?? "")")
            #expect(try OpCodec.encode(OpCodec.decode(bytes)) == bytes)
            #expect(OpCodec.hash(op) == (try VectorParse.hex(c["sha256"])))
        }
    }

    @Test func batchVectors() throws {
        let tree = J.obj(Self.header("op list -> uncompressed batch frame (spec §8); compressed frames are in batches-compressed.json")
                         + [("cases", .arr(VectorCases.batchCases.map { name, ops in
            .obj([("name", .str(name)), ("ops", .arr(ops.map(VectorForm.op))), ("compress", .bool(false)),
                  ("hex", .str(hex(BatchCodec.encode(ops, compress: false))))])
        }))])
        for c in try cases(try check("batches.json", tree)) {
            let ops = try VectorParse.ops(c["ops"])
            let bytes = try VectorParse.hex(c["hex"])
            #expect(BatchCodec.encode(ops, compress: false) == bytes, "\(c["name"] ?? "")")
            var seen = Set<OpID>()
            let expected = ops.filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
            #expect(try BatchCodec.decode(bytes).map(OpCodec.encode) == expected.map(OpCodec.encode))
        }
    }

    @Test func compressedBatchVectors() throws {
        let tree = J.obj(Self.header("op list -> compressed batch frame (spec §8.3); the deflate bytes depend on the zlib version, so a peer checks that each frame decodes to the ops, not that it re-encodes to the same bytes")
                         + [("cases", .arr(VectorCases.batchCases.filter { $0.1.count > 2 }.map { name, ops in
            .obj([("name", .str(name)), ("ops", .arr(ops.map(VectorForm.op))), ("compress", .bool(true)),
                  ("hex", .str(hex(BatchCodec.encode(ops, compress: true))))])
        }))])
        let parsed = try cases(try check("batches-compressed.json", tree, exact: false))
        #expect(parsed.count >= 3)
        for c in parsed {
            let ops = try VectorParse.ops(c["ops"])
            let bytes = try VectorParse.hex(c["hex"])
            #expect(bytes[5] & BatchCodec.compressedFlag != 0, "\(c["name"] ?? "")")
            #expect(try BatchCodec.decode(bytes).map(OpCodec.encode) == (try BatchCodec.decode(BatchCodec.encode(ops, compress: false))).map(OpCodec.encode))
        }
    }

    static func stateJSON(_ replica: MemoryReplica) -> J {
        let fields = replica.fieldsByEntity()
        return .arr(replica.entities.map { e in
            let c = String(decoding: e.collection, as: UTF8.self), en = String(decoding: e.entity, as: UTF8.self)
            let f = fields[e] ?? ([], [])
            let registers: [J] = f.registers.map { field in
                let r = replica.register(MemoryReplica.FieldKey(entity: e, field: field))
                return .obj([("field", .str(String(decoding: field, as: UTF8.self))), ("winner", r.winner.map { VectorForm.id($0.id) } ?? .null),
                             ("conflicts", .arr(r.conflicts.map { VectorForm.id($0.id) }))])
            }
            let sets: [J] = f.sets.map { field in
                .obj([("field", .str(String(decoding: field, as: UTF8.self))),
                      ("elements", .arr(replica.elements(MemoryReplica.FieldKey(entity: e, field: field)).map {
                          VectorForm.value(try! ValueCodec.decode($0))  // encodings made by ValueCodec itself
                      }))])
            }
            return .obj([("collection", .str(c)), ("entity", .str(en)), ("causalLength", .int(replica.causalLength(e))),
                         ("registers", .arr(registers)), ("sets", .arr(sets))])
        })
    }

    @Test func mergeVectors() throws {
        let tree = J.obj(Self.header("op set -> merged state, canonical state bytes and SHA-256 digest (spec §9)")
                         + [("cases", .arr(MergeScenarios.all.map { s in
            var replica = MemoryReplica()
            for op in s.ops { replica.apply(op) }
            #expect(mismatches(replica, s) == [], "\(s.name)")
            return .obj([("name", .str(s.name)), ("description", .str(s.description)), ("ops", .arr(s.ops.map(VectorForm.op))),
                         ("state", Self.stateJSON(replica)), ("canonicalState", .str(hex(replica.canonicalState()))),
                         ("stateDigest", .str(hex(replica.stateDigest())))])
        }))])
        let parsed = try cases(try check("merge.json", tree))
        #expect(parsed.count >= 10)
        for c in parsed {
            let ops = try VectorParse.ops(c["ops"])
            for order in [ops, ops.reversed()] {
                var replica = MemoryReplica()
                for op in order { replica.apply(op) }
                #expect(hex(replica.canonicalState()) == (try VectorParse.str(c["canonicalState"])), "\(c["name"] ?? "")")
                #expect(hex(replica.stateDigest()) == (try VectorParse.str(c["stateDigest"])))
                for entity in try (c["state"] as? [Any] ?? []).map(VectorParse.dict) {
                    let coll = try VectorParse.str(entity["collection"]), en = try VectorParse.str(entity["entity"])
                    #expect(replica.causalLength(collection: coll, entity: en) == (try VectorParse.u64(entity["causalLength"])))
                    for r in try (entity["registers"] as? [Any] ?? []).map(VectorParse.dict) {
                        let got = replica.register(collection: coll, entity: en, field: try VectorParse.str(r["field"]))
                        #expect(got.winner?.id == (r["winner"] is NSNull ? nil : try VectorParse.id(r["winner"])))
                        #expect(got.conflicts.map(\.id) == (try VectorParse.ids(r["conflicts"])))
                    }
                    for s in try (entity["sets"] as? [Any] ?? []).map(VectorParse.dict) {
                        let want = try (s["elements"] as? [Any] ?? []).map(VectorParse.value).map(ValueCodec.encode)
                        let got = replica.elements(collection: coll, entity: en, field: try VectorParse.str(s["field"]))
                        #expect(got.map(ValueCodec.encode) == want)
                    }
                }
            }
        }
    }

    @Test func invalidVectors() throws {
        let tree = J.obj(Self.header("malformed bytes -> the error code and byte offset a decoder reports (spec §11.3, §18)")
                         + [("cases", .arr(VectorInvalidCases.all.map { name, kind, bytes, code in
            let got = VectorInvalidCases.decode(kind, bytes)
            #expect(got?.code == code, "\(name): \(String(describing: got))")
            return .obj([("name", .str(name)), ("kind", .str(kind.rawValue)), ("hex", .str(hex(bytes))),
                         ("error", .str(code.rawValue)), ("offset", .int(got?.offset ?? -1))])
        }))])
        let parsed = try cases(try check("invalid.json", tree))
        let covered = Set(try parsed.map { try VectorParse.str($0["error"]) })
        #expect(CodecError.Code.allCases.filter { !covered.contains($0.rawValue) } == [], "every reachable error code has a vector")
        for c in parsed {
            let kind = VectorInvalidCases.Kind(rawValue: try VectorParse.str(c["kind"]))!
            let got = VectorInvalidCases.decode(kind, try VectorParse.hex(c["hex"]))
            #expect(got?.code.rawValue == (try VectorParse.str(c["error"])), "\(c["name"] ?? "")")
            #expect(got.map { UInt64($0.offset) } == (try VectorParse.u64(c["offset"])), "\(c["name"] ?? "")")
        }
    }
}
