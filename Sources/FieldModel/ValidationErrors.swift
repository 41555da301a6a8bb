/// One thing wrong with a report, at one field.
///
/// `description` is `path: message`, e.g.
/// `victims[1].ageBand: "teen" is not one of under_12, 12_14, 15_17, 18_24, 25_39, 40_plus, unknown`.
/// Messages never quote identifiers or the narrative: only field names, enumeration values,
/// codes and dates (each quoted value is escaped and cut to 40 characters).
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// What kind of rule was broken.
    public enum Code: String, Sendable, Hashable {
        case required
        case unknownField
        case wrongType
        case notInEnumeration
        case badFormat
        case notInCalendar
        case tooLong
        case tooShort
        case tooMany
        case duplicate
        case outOfRange
        case controlCharacter
        case conflict
        case dateOrder
        case unknownPath
        /// Survivor identifiers were given but this laptop holds no linkage key to derive
        /// their codes from (Protocols/linkage-v1.md §3); they are never stored instead.
        case noLinkageKey
    }

    public let code: Code
    /// Where: `mission`, `incident.area`, `victims[1].ageBand`; empty for the whole document.
    public let path: String
    /// What is wrong and what to do, without the path.
    public let message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every issue found in one validation pass, in document order. Never empty.
public struct ValidationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public let issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) {
        precondition(!issues.isEmpty, "ValidationErrors needs at least one issue")
        self.issues = issues
    }

    /// One issue a line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Why `Intake.parse` refused a report.
public struct IntakeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Larger than `Intake.maxBytes`.
        case tooLarge
        /// Not well-formed JSON (or not UTF-8).
        case malformedJSON
        /// Well-formed JSON that breaks the contract; see `validation`.
        case invalid
    }

    public let code: Code
    /// A message saying what is wrong and what to do.
    public let message: String
    /// The issues, when `code == .invalid`.
    public let validation: ValidationErrors?

    public init(code: Code, message: String, validation: ValidationErrors? = nil) {
        self.code = code
        self.message = message
        self.validation = validation
    }

    public var description: String { message }
}

/// A value quoted for an error message: JSON-style escapes, at most 40 characters.
func quoted(_ text: String) -> String {
    var out = "\""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == 40 {
            out += "…"
            break
        }
        count += 1
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u" + hex4(scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Four upper-case hex digits.
func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
