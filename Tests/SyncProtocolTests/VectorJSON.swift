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
