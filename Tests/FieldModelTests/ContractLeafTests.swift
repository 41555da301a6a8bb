import FieldModel
import JSON
import Testing

/// `Contract.leaves` (what the collection registry and sync-v1.md §19 read) gives every stored
/// path of the schema with the schema's type and closed list, and nothing else.
@Suite struct ContractLeafTests {
    @Test func theLeavesAreTheSchemasStoredPathsWithTheirTypes() throws {
        let schema = try Fixtures.schema()
        var found: [String: (ContractLeaf.ValueType, [String])] = [:]
        var order: [String] = []
        func resolve(_ node: JSONValue) -> JSONValue {
            guard let ref = node["$ref"]?.stringValue, ref.hasPrefix("#/$defs/"),
                  let target = schema["$defs"]?[String(ref.dropFirst("#/$defs/".count))] else { return node }
            return resolve(target)
        }
        func walk(_ node: JSONValue, _ pattern: String) {
            let node = resolve(node)
            let enumeration = node["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
            switch node["type"]?.stringValue {
            case "object"?:
                guard pattern != "victims[].identifiers" else { return }  // never stored
                for (key, member) in node["properties"]?.objectValue ?? JSONObject() {
                    walk(member, pattern.isEmpty ? key : pattern + "." + key)
                }
            case "array"?:
                let items = resolve(node["items"] ?? .null)
                if items["type"]?.stringValue == "object" {
                    walk(items, pattern + "[]")
                } else {
                    order.append(pattern)
                    found[pattern] = (.stringSet, items["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                }
            case "boolean"?: order.append(pattern); found[pattern] = (.bool, [])
            case "number"?: order.append(pattern); found[pattern] = (.double, [])
            default: order.append(pattern); found[pattern] = (.string, enumeration)
            }
        }
        walk(schema, "")
        #expect(Contract.leaves.map(\.pattern) == order)
        for leaf in Contract.leaves {
            #expect(found[leaf.pattern]?.0 == leaf.type, "\(leaf.pattern)")
            #expect(found[leaf.pattern]?.1 == leaf.values, "\(leaf.pattern)")
        }
    }

    @Test func aReportFlattensOnlyToLeavesOfTheirType() throws {
        let report = try Intake.validate(Sample.report, now: Sample.now, linkage: Sample.linkageKey).get()
        let leaves = Dictionary(uniqueKeysWithValues: Contract.leaves.map { ($0.pattern, $0) })
        func pattern(_ path: String) -> String {
            path.replacing(/\[[0-9]+\]/, with: "[]")
        }
        for (path, value) in report.fields() {
            let leaf = try #require(leaves[pattern(path)], "\(path)")
            switch (value, leaf.type) {
            case (.string, .string), (.bool, .bool), (.double, .double): break
            default: Issue.record("\(path) holds \(value), the contract says \(leaf.type)")
            }
        }
        for (path, _) in report.sets() { #expect(leaves[path]?.type == .stringSet, "\(path)") }
    }
}
