import Foundation
import JSON

/// The fixture files, the schema and helpers shared by the tests.
enum Fixtures {
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// The repository's `Protocols/report-intake.schema.json`.
    static let schemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocols/report-intake.schema.json")

    /// The "now" every fixture is validated against.
    static let now = "2026-03-02T09:00:00Z"

    static func names(prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSON.parse(bytes(name))
    }

    static func schema() throws -> JSONValue {
        try JSON.parse(Array(Data(contentsOf: schemaURL)))
    }

    /// Fixture name → the path of the one issue the validator must report.
    static func expectedIssuePaths() throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, path) in try json("expected-issues.json")["issues"]?.objectValue ?? JSONObject() {
            result[name] = path.stringValue
        }
        return result
    }
}
