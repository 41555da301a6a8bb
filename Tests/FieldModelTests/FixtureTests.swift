import FieldModel
import Foundation
import JSON
import Testing

/// The Swift validator and the JSON Schema must accept and refuse the same fixtures; the
/// `invalid-semantic-*` ones hold the rules the schema cannot express (schema accepts, Swift refuses).
@Suite struct FixtureTests {
    @Test func fixtureSetIsLargeEnough() throws {
        #expect(try Fixtures.names(prefix: "valid-").count >= 15)
        #expect(try Fixtures.names(prefix: "invalid-").count >= 25)
        #expect(try Fixtures.names(prefix: "invalid-semantic-").count >= 5)
    }

    @Test func validatorAcceptsEveryValidFixture() throws {
        for name in try Fixtures.names(prefix: "valid-") {
            let result = Intake.parse(try Fixtures.bytes(name), now: Fixtures.now, linkage: Sample.linkageKey)
            if case .failure(let error) = result { Issue.record("\(name) refused: \(error)") }
        }
    }

    @Test func validatorRefusesEveryInvalidFixtureWithExactlyTheExpectedIssue() throws {
        let expected = try Fixtures.expectedIssuePaths()
        let names = try Fixtures.names(prefix: "invalid-")
        #expect(Set(names) == Set(expected.keys), "every invalid fixture needs an expected issue path")
        for name in names {
            switch Intake.validate(try Fixtures.json(name), now: Fixtures.now, linkage: Sample.linkageKey) {
            case .success:
                Issue.record("\(name) accepted")
            case .failure(let errors):
                #expect(errors.issues.map(\.path) == [expected[name] ?? "?"], "\(name): \(errors)")
            }
        }
    }

    @Test func schemaAcceptsValidAndSemanticFixturesAndRefusesTheRest() throws {
        let evaluator = try SchemaEvaluator(schema: Fixtures.schema())
        for name in try Fixtures.names(prefix: "") where name != "expected-issues.json" {
            let failures = evaluator.validate(try Fixtures.json(name))
            if name.hasPrefix("valid-") || name.hasPrefix("invalid-semantic-") {
                #expect(failures.isEmpty, "\(name): schema refused: \(failures)")
            } else {
                #expect(!failures.isEmpty, "\(name): schema accepted an invalid fixture")
            }
        }
    }

    @Test func evaluatorRefusesAnUnknownKeyword() throws {
        let schema: JSONValue = ["type": "object", "properties": ["a": ["format": "date"]]]
        #expect(throws: SchemaEvaluator.Failure.self) { try SchemaEvaluator(schema: schema) }
    }

    @Test func schemaUsesOnlyTheExpectedKeywords() throws {
        let evaluator = try SchemaEvaluator(schema: Fixtures.schema())
        #expect(evaluator.keywordsUsed.isSubset(of: SchemaEvaluator.annotations.union(SchemaEvaluator.assertions)))
        for keyword in ["additionalProperties", "required", "enum", "pattern", "maxLength", "maxItems", "uniqueItems", "$ref", "not", "if"] {
            #expect(evaluator.keywordsUsed.contains(keyword), "schema no longer uses \(keyword)")
        }
    }

    @Test func schemaEnumerationsMatchTheSwiftEnums() throws {
        let schema = try Fixtures.schema()
        func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let defs = schema["$defs"]
        #expect(strings(schema["properties"]?["channel"]?["enum"]) == Channel.allCases.map(\.rawValue))
        #expect(strings(schema["properties"]?["needs"]?["items"]?["enum"]) == Need.allCases.map(\.rawValue))
        #expect(strings(defs?["allegation"]?["properties"]?["types"]?["items"]?["enum"]) == AllegationType.allCases.map(\.rawValue))
        #expect(strings(defs?["victim"]?["properties"]?["ageBand"]?["enum"]) == AgeBand.allCases.map(\.rawValue))
        #expect(strings(defs?["victim"]?["properties"]?["sex"]?["enum"]) == Sex.allCases.map(\.rawValue))
        #expect(strings(defs?["allegedPerson"]?["properties"]?["personnelCategory"]?["enum"]) == PersonnelCategory.allCases.map(\.rawValue))
    }

    @Test(.enabled(if: PythonJSONSchema.available,
                   "python3 with the jsonschema module is not installed; the Swift evaluator still checks the schema"))
    func pythonJSONSchemaAgreesOnEveryFixture() throws {
        let verdicts = try PythonJSONSchema.verdicts(schema: Fixtures.schemaURL, fixtures: Fixtures.directory)
        let names = try Fixtures.names(prefix: "").filter { $0 != "expected-issues.json" }
        #expect(Set(verdicts.keys) == Set(names))
        for name in names {
            let shouldPass = name.hasPrefix("valid-") || name.hasPrefix("invalid-semantic-")
            #expect(verdicts[name] == shouldPass, "\(name): python jsonschema says \(String(describing: verdicts[name]))")
        }
    }
}

/// Runs python's `jsonschema` (Draft202012Validator) over the fixtures as a cross-check.
enum PythonJSONSchema {
    static let available: Bool = (try? run(["-c", "import jsonschema"]).status) == 0

    static func verdicts(schema: URL, fixtures: URL) throws -> [String: Bool] {
        let script = """
            import json, os, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema)
            out = {}
            for name in sorted(os.listdir(sys.argv[2])):
                if name.endswith(".json") and name != "expected-issues.json":
                    out[name] = validator.is_valid(json.load(open(os.path.join(sys.argv[2], name), encoding="utf-8")))
            print(json.dumps(out))
            """
        let result = try run(["-c", script, schema.path, fixtures.path])
        guard result.status == 0 else { throw PythonFailure(description: "python3 exited \(result.status)") }
        var verdicts: [String: Bool] = [:]
        for (name, value) in try JSON.parse(result.output).objectValue ?? JSONObject() { verdicts[name] = value.boolValue }
        return verdicts
    }

    struct PythonFailure: Error, CustomStringConvertible { let description: String }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(output))
    }
}
