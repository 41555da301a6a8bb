/// The registry as the tables of sync-v1.md §19.3, between the markers
/// `<!-- collections:begin -->` and `<!-- collections:end -->` (a test checks the spec holds
/// exactly this text, so the spec lists exactly the registry's fields).
extension CollectionRegistry {
    public var markdownTables: String {
        collections.map(\.markdownTable).joined(separator: "\n")
    }
}

extension CollectionSpec {
    var markdownTable: String {
        let creators = Writer.allCases.filter(creators.contains).map(\.rawValue).joined(separator: ", ")
        var out = "**`\(name)`** — \(summary). Scope `\(scope.rawValue)`; records created and deleted by: \(creators).\n\n"
        out += "| field | kind | value | written by | meaning |\n|---|---|---|---|---|\n"
        for field in fields {
            let writers = Writer.allCases.filter(field.writers.contains).map(\.rawValue).joined(separator: ", ")
            out += "| `\(field.name)` | \(field.kindText) | \(field.valueText) | \(writers) | \(field.summary) |\n"
        }
        return out
    }
}

extension FieldSpec {
    var kindText: String {
        switch kind {
        case .register: return "register"
        case .ranked(let levels): return "ranked: " + levels.map { $0.map { "`\($0)`" }.joined(separator: " \\| ") }.joined(separator: " → ")
        case .set: return "set"
        }
    }

    var valueText: String { sealed ? "**sealed** " + type.rawValue : type.rawValue }
}
