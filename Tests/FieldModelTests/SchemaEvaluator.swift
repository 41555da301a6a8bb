import Foundation
import JSON

/// A small JSON Schema 2020-12 evaluator for exactly the keywords the intake schema uses. It
/// refuses (throws) on any keyword it does not know, anywhere in the schema, so a schema that
/// grows a new keyword cannot pass these tests by being half-understood.
struct SchemaEvaluator {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Keywords that only annotate and never change the outcome.
    static let annotations: Set<String> = ["$schema", "$id", "title", "description", "default", "$defs"]
    /// Keywords this evaluator applies.
    static let assertions: Set<String> = [
        "type", "enum", "const", "required", "properties", "additionalProperties", "items",
        "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum",
        "maximum", "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    ]

    let root: JSONValue
    private var regexes: [String: NSRegularExpression] = [:]
    /// Every keyword the schema uses, for the report.
    private(set) var keywordsUsed: Set<String> = []

    init(schema: JSONValue) throws {
        root = schema
        try check(schema, at: "#")
    }

    /// Walks the whole schema once: unknown keywords and bad regexes fail here, not later.
    private mutating func check(_ schema: JSONValue, at location: String) throws {
        if case .bool = schema { return }
        guard case .object(let object) = schema else { throw Failure(description: "\(location): a schema must be an object or a boolean") }
        for (keyword, value) in object {
            guard Self.annotations.contains(keyword) || Self.assertions.contains(keyword) else {
                throw Failure(description: "\(location): the test evaluator does not know the keyword \(keyword); teach it or do not use it")
            }
            keywordsUsed.insert(keyword)
            let here = "\(location)/\(keyword)"
            switch keyword {
            case "properties", "$defs":
                for (name, sub) in value.objectValue ?? JSONObject() { try check(sub, at: "\(here)/\(name)") }
            case "additionalProperties", "items", "not", "if", "then", "else":
                try check(value, at: here)
            case "allOf", "anyOf", "oneOf":
                for (index, sub) in (value.arrayValue ?? []).enumerated() { try check(sub, at: "\(here)/\(index)") }
            case "pattern":
                guard let pattern = value.stringValue else { throw Failure(description: "\(here): not a string") }
                regexes[pattern] = try NSRegularExpression(pattern: pattern)
            case "$ref":
                guard let ref = value.stringValue, resolve(ref) != nil else {
                    throw Failure(description: "\(here): only #/$defs/NAME references that exist are supported")
                }
            default:
                break
            }
        }
    }

    /// The failures of `instance` against the whole schema; empty means valid.
    func validate(_ instance: JSONValue) -> [String] {
        var failures: [String] = []
        evaluate(root, instance, at: "", into: &failures)
        return failures
    }

    private func resolve(_ ref: String) -> JSONValue? {
        let prefix = "#/$defs/"
        guard ref.hasPrefix(prefix) else { return nil }
        return root["$defs"]?[String(ref.dropFirst(prefix.count))]
    }

    private func evaluate(_ schema: JSONValue, _ value: JSONValue, at path: String, into failures: inout [String]) {
        if case .bool(let allowed) = schema {
            if !allowed { failures.append("\(path): not allowed") }
            return
        }
        guard case .object(let object) = schema else { return }
        func fail(_ message: String) { failures.append("\(path): \(message)") }
        func passes(_ sub: JSONValue) -> Bool {
            var scratch: [String] = []
            evaluate(sub, value, at: path, into: &scratch)
            return scratch.isEmpty
        }
        for (keyword, argument) in object {
            switch keyword {
            case "type":
                let names = argument.arrayValue?.compactMap(\.stringValue) ?? [argument.stringValue ?? ""]
                if !names.contains(where: { Self.hasType($0, value) }) { fail("not of type \(names)") }
            case "enum":
                if !(argument.arrayValue ?? []).contains(where: { Self.equal($0, value) }) { fail("not in enum") }
            case "const":
                if !Self.equal(argument, value) { fail("not the const") }
            case "required":
                if case .object(let instance) = value {
                    for name in argument.arrayValue?.compactMap(\.stringValue) ?? [] where !instance.contains(name) {
                        fail("missing \(name)")
                    }
                }
            case "properties":
                if case .object(let instance) = value, let properties = argument.objectValue {
                    for (name, member) in instance {
                        if let sub = properties[name] { evaluate(sub, member, at: "\(path)/\(name)", into: &failures) }
                    }
                }
            case "additionalProperties":
                if case .object(let instance) = value {
                    let declared = object["properties"]?.objectValue ?? JSONObject()
                    for (name, member) in instance where !declared.contains(name) {
                        evaluate(argument, member, at: "\(path)/\(name)", into: &failures)
                    }
                }
            case "items":
                if case .array(let items) = value {
                    for (index, item) in items.enumerated() { evaluate(argument, item, at: "\(path)/\(index)", into: &failures) }
                }
            case "minItems", "maxItems":
                if case .array(let items) = value, let limit = argument.int64Value {
                    if keyword == "minItems" ? items.count < limit : items.count > limit { fail("\(keyword) \(limit)") }
                }
            case "uniqueItems":
                if case .array(let items) = value, argument.boolValue == true {
                    for i in items.indices { for j in items.indices where j > i && Self.equal(items[i], items[j]) { fail("items \(i) and \(j) equal") } }
                }
            case "minLength", "maxLength":
                if case .string(let text) = value, let limit = argument.int64Value {
                    let length = text.unicodeScalars.count
                    if keyword == "minLength" ? length < limit : length > limit { fail("\(keyword) \(limit)") }
                }
            case "pattern":
                if case .string(let text) = value, let pattern = argument.stringValue, let regex = regexes[pattern] {
                    let range = NSRange(location: 0, length: text.utf16.count)
                    if regex.firstMatch(in: text, range: range) == nil { fail("does not match \(pattern)") }
                }
            case "minimum", "maximum":
                if let number = Self.number(value), let limit = Self.number(argument) {
                    if keyword == "minimum" ? number < limit : number > limit { fail("\(keyword) \(limit)") }
                }
            case "$ref":
                if let target = resolve(argument.stringValue ?? "") { evaluate(target, value, at: path, into: &failures) }
            case "allOf":
                for sub in argument.arrayValue ?? [] { evaluate(sub, value, at: path, into: &failures) }
            case "anyOf":
                if !(argument.arrayValue ?? []).contains(where: passes) { fail("matches none of anyOf") }
            case "oneOf":
                let count = (argument.arrayValue ?? []).filter(passes).count
                if count != 1 { fail("matches \(count) of oneOf") }
            case "not":
                if passes(argument) { fail("matches the not schema") }
            case "if":
                if passes(argument) {
                    if let then = object["then"] { evaluate(then, value, at: path, into: &failures) }
                } else if let otherwise = object["else"] {
                    evaluate(otherwise, value, at: path, into: &failures)
                }
            default:
                break  // annotations, and then/else (applied by "if")
            }
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    private static func hasType(_ name: String, _ value: JSONValue) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
             ("number", .int), ("number", .double), ("integer", .int):
            return true
        case ("integer", .double(let d)):
            return d.rounded() == d
        default:
            return false
        }
    }

    /// JSON Schema equality: numbers by value (1 equals 1.0), objects ignoring key order.
    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        switch (a, b) {
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        default:
            return a == b
        }
    }
}
