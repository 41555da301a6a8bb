import Foundation
import SyncProtocol

/// Reads the JSON forms back (from `JSONSerialization` output), so a vector file is checked
/// against the implementation independently of the generator.
public struct VectorParseError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

public enum VectorParse {
    public static func dict(_ any: Any?) throws -> [String: Any] {
        guard let d = any as? [String: Any] else { throw VectorParseError(description: "expected an object, got \(String(describing: any))") }
        return d
    }
    public static func str(_ any: Any?) throws -> String {
        guard let s = any as? String else { throw VectorParseError(description: "expected a string, got \(String(describing: any))") }
        return s
    }
    public static func u64(_ any: Any?) throws -> UInt64 {
        guard let n = any as? NSNumber, let v = UInt64(exactly: n.int64Value), n.int64Value >= 0 else {
            throw VectorParseError(description: "expected an unsigned integer, got \(String(describing: any))")
        }
        return v
    }
    public static func hex(_ any: Any?) throws -> [UInt8] {
        guard let b = Hex.decode(try str(any)) else { throw VectorParseError(description: "bad hex \(String(describing: any))") }
        return b
    }
    public static func node(_ any: Any?) throws -> NodeID {
        guard let n = NodeID(bytes: try hex(any)) else { throw VectorParseError(description: "bad node id") }
        return n
    }
    public static func id(_ any: Any?) throws -> OpID {
        let d = try dict(any)
        return OpID(origin: try node(d["origin"]), seq: try u64(d["seq"]))
    }
    public static func ids(_ any: Any?) throws -> [OpID] {
        guard let xs = any as? [Any] else { throw VectorParseError(description: "expected an id list") }
        return try xs.map(id)
    }

    public static func value(_ any: Any?) throws -> Value {
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

    public static func action(_ any: Any?) throws -> Action {
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

    public static func op(_ any: Any?) throws -> Op {
        let d = try dict(any)
        let hlc = try dict(d["hlc"])
        return Op(id: OpID(origin: try node(d["origin"]), seq: try u64(d["seq"])),
                  hlc: HLC(milliseconds: try u64(hlc["ms"]), counter: UInt16(try u64(hlc["counter"]))),
                  collection: try str(d["collection"]), entity: try str(d["entity"]), action: try action(d["action"]))
    }

    public static func ops(_ any: Any?) throws -> [Op] {
        guard let xs = any as? [Any] else { throw VectorParseError(description: "expected an op list") }
        return try xs.map(op)
    }
}
