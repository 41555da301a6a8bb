import Foundation
@testable import SyncProtocol

/// A tiny ordered JSON tree with a deterministic pretty printer, for the committed vectors.
indirect enum J {
    case obj([(String, J)])
    case arr([J])
    case str(String)
    case num(String)
    case bool(Bool)
    case null

    static func int<T: BinaryInteger>(_ n: T) -> J { .num(String(n)) }

    func render(_ indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .obj(let kv):
            if kv.isEmpty { return "{}" }
            if kv.allSatisfy({ $0.1.isScalar }) {
                let line = "{" + kv.map { WireError.quote($0.0) + ": " + $0.1.render() }.joined(separator: ", ") + "}"
                if line.count <= 100 { return line }
            }
            return "{\n" + kv.map { inner + WireError.quote($0.0) + ": " + $0.1.render(inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        case .arr(let xs):
            if xs.isEmpty { return "[]" }
            if xs.allSatisfy(\.isScalar) { return "[" + xs.map { $0.render(inner) }.joined(separator: ", ") + "]" }
            return "[\n" + xs.map { inner + $0.render(inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .str(let s): return WireError.quote(s)
        case .num(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    var isScalar: Bool {
        switch self {
        case .obj, .arr: false
        default: true
        }
    }
}

/// The JSON forms of the vectors (documented in Protocols/vectors/README.md).
enum VectorForm {
    static func id(_ id: OpID) -> J { .obj([("origin", .str(id.origin.hex)), ("seq", .int(id.seq))]) }

    static func value(_ v: Value) -> J {
        switch v {
        case .null: .obj([("type", .str("null"))])
        case .bool(let b): .obj([("type", .str("bool")), ("value", .bool(b))])
        case .int(let i): .obj([("type", .str("int")), ("value", .str(String(i)))])
        case .double(let d): .obj([("type", .str("double")), ("bits", .str(Hex.encode(ValueCodec.encode(.double(d)).suffix(8).map { $0 }))),
                                   ("approx", .num("\(d)"))])
        case .string(let s): .obj([("type", .str("string")), ("value", .str(s))])
        case .bytes(let b): .obj([("type", .str("bytes")), ("hex", .str(Hex.encode(b)))])
        case .sealed(let s): .obj([("type", .str("sealed")), ("keyId", .str(Hex.encode(s.keyID))), ("ciphertext", .str(Hex.encode(s.ciphertext)))])
        }
    }

    static func action(_ a: Action) -> J {
        switch a {
        case .exist(let n): .obj([("type", .str("exist")), ("causalLength", .int(n))])
        case .set(let f, let v, let rank, let sup):
            .obj([("type", .str("set")), ("field", .str(f)), ("value", value(v)), ("rank", .int(rank)), ("supersedes", .arr(sup.map(id)))])
        case .add(let f, let v): .obj([("type", .str("add")), ("field", .str(f)), ("element", value(v))])
        case .remove(let f, let v, let tags):
            .obj([("type", .str("remove")), ("field", .str(f)), ("element", value(v)), ("tags", .arr(tags.map(id)))])
        }
    }

    static func op(_ o: Op) -> J {
        .obj([("origin", .str(o.origin.hex)), ("seq", .int(o.seq)),
              ("hlc", .obj([("ms", .int(o.hlc.milliseconds)), ("counter", .int(o.hlc.counter))])),
              ("collection", .str(o.collection)), ("entity", .str(o.entity)), ("action", action(o.action))])
    }
}

/// Reads the JSON forms back (from `JSONSerialization` output), so a vector file is checked
/// against the implementation independently of the generator.
struct VectorParseError: Error, CustomStringConvertible {
    let description: String
}

enum VectorParse {
    static func dict(_ any: Any?) throws -> [String: Any] {
        guard let d = any as? [String: Any] else { throw VectorParseError(description: "expected an object, got \(String(describing: any))") }
        return d
    }
    static func str(_ any: Any?) throws -> String {
        guard let s = any as? String else { throw VectorParseError(description: "expected a string, got \(String(describing: any))") }
        return s
    }
    static func u64(_ any: Any?) throws -> UInt64 {
        guard let n = any as? NSNumber, let v = UInt64(exactly: n.int64Value), n.int64Value >= 0 else {
            throw VectorParseError(description: "expected an unsigned integer, got \(String(describing: any))")
        }
        return v
    }
    static func hex(_ any: Any?) throws -> [UInt8] {
        guard let b = Hex.decode(try str(any)) else { throw VectorParseError(description: "bad hex \(String(describing: any))") }
        return b
    }
    static func node(_ any: Any?) throws -> NodeID {
        guard let n = NodeID(bytes: try hex(any)) else { throw VectorParseError(description: "bad node id") }
        return n
    }
    static func id(_ any: Any?) throws -> OpID {
        let d = try dict(any)
        return OpID(origin: try node(d["origin"]), seq: try u64(d["seq"]))
    }
    static func ids(_ any: Any?) throws -> [OpID] {
        guard let xs = any as? [Any] else { throw VectorParseError(description: "expected an id list") }
        return try xs.map(id)
    }

    static func value(_ any: Any?) throws -> Value {
        let d = try dict(any)
        switch try str(d["type"]) {
        case "null": return .null
        case "bool":
            guard let b = d["value"] as? Bool else { throw VectorParseError(description: "bad bool") }
            return .bool(b)
        case "int":
            guard let i = Int64(try str(d["value"])) else { throw VectorParseError(description: "bad int") }
            return .int(i)
        case "double":
            var bits: UInt64 = 0
            for b in try hex(d["bits"]) { bits = bits << 8 | UInt64(b) }
            return .double(Double(bitPattern: bits))
        case "string": return .string(try str(d["value"]))
        case "bytes": return .bytes(try hex(d["hex"]))
        case "sealed": return .sealed(SealedValue(keyID: try hex(d["keyId"]), ciphertext: try hex(d["ciphertext"])))
        case let t: throw VectorParseError(description: "unknown value type \(t)")
        }
    }

    static func action(_ any: Any?) throws -> Action {
        let d = try dict(any)
        switch try str(d["type"]) {
        case "exist": return .exist(causalLength: try u64(d["causalLength"]))
        case "set":
            return .set(field: try str(d["field"]), value: try value(d["value"]), rank: UInt32(try u64(d["rank"])),
                        supersedes: try ids(d["supersedes"]))
        case "add": return .add(field: try str(d["field"]), element: try value(d["element"]))
        case "remove": return .remove(field: try str(d["field"]), element: try value(d["element"]), tags: try ids(d["tags"]))
        case let t: throw VectorParseError(description: "unknown action type \(t)")
        }
    }

    static func op(_ any: Any?) throws -> Op {
        let d = try dict(any)
        let hlc = try dict(d["hlc"])
        return Op(id: OpID(origin: try node(d["origin"]), seq: try u64(d["seq"])),
                  hlc: HLC(milliseconds: try u64(hlc["ms"]), counter: UInt16(try u64(hlc["counter"]))),
                  collection: try str(d["collection"]), entity: try str(d["entity"]), action: try action(d["action"]))
    }

    static func ops(_ any: Any?) throws -> [Op] {
        guard let xs = any as? [Any] else { throw VectorParseError(description: "expected an op list") }
        return try xs.map(op)
    }
}
