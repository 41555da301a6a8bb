import FieldModel
import JSON
import Linkage

/// A valid report to start from, and edits by path for building bad ones.
enum Sample {
    static let now = "2026-03-02T09:00:00Z"
    /// The mission linkage key the tests derive survivor codes under.
    static let linkageKey = LinkageKey(bytes: [UInt8](repeating: 0x42, count: 32))!

    static let report: JSONValue = [
        "mission": "MINUSCA",
        "channel": "hotline",
        "receivedAt": "2026-03-01T14:05:00+01:00",
        "incident": [
            "date": "2026-02-27",
            "area": "Bambari",
            "coordinates": ["lat": 5.7621, "lon": 20.6712],
        ],
        "allegation": ["types": ["transactional_sex", "sexual_exploitation"], "narrative": "Offered money for sex."],
        "victims": [
            ["ageBand": "15_17", "sex": "female", "identifiers": ["name": "Jane Testperson", "phone": "+236 70 12 34 56"]],
            ["ageBand": "18_24", "sex": "female"],
        ],
        "alleged": [["personnelCategory": "military_contingent", "nationality": "unknown", "unit": "North checkpoint"]],
        "needs": ["psychosocial", "medical_urgent"],
        "consent": ["shareWithInvestigators": true, "victimAssistanceReferral": true, "followUpContact": false],
    ]

    /// One step of a path: an object key or an array index.
    enum Step: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case key(String)
        case index(Int)
        init(stringLiteral value: String) { self = .key(value) }
        init(integerLiteral value: Int) { self = .index(value) }
    }

    /// `value` with the member at `path` replaced (nil removes it).
    static func setting(_ value: JSONValue, _ path: [Step], to new: JSONValue?) -> JSONValue {
        guard let step = path.first else { return new ?? .null }
        switch (step, value) {
        case (.key(let key), .object(var object)):
            let child = object[key] ?? .object(JSONObject())
            object[key] = path.count == 1 ? new : setting(child, Array(path.dropFirst()), to: new)
            return .object(object)
        case (.index(let index), .array(var items)):
            if path.count == 1, new == nil { items.remove(at: index) } else {
                items[index] = setting(items[index], Array(path.dropFirst()), to: new)
            }
            return .array(items)
        default:
            preconditionFailure("Sample.setting: path does not fit the document")
        }
    }

    /// The sample with several edits applied in order.
    static func with(_ edits: [([Step], JSONValue?)]) -> JSONValue {
        edits.reduce(report) { setting($0, $1.0, to: $1.1) }
    }

    /// The issues of a document that must fail validation.
    static func issues(_ document: JSONValue, now: String = Sample.now) -> [ValidationIssue] {
        switch Intake.validate(document, now: now, linkage: linkageKey) {
        case .success: return []
        case .failure(let errors): return errors.issues
        }
    }

    /// The validated report of a document that must pass.
    static func valid(_ document: JSONValue = report) throws -> ReportIntake {
        try Intake.validate(document, now: now, linkage: linkageKey).get()
    }
}
