import JSON
import Linkage

extension Intake {
    /// Reads a report from raw bytes (a file, a request body): size limit, JSON syntax and
    /// UTF-8, then `validate`. `now` and `linkage` as in `validate`.
    public static func parse(_ bytes: [UInt8], now: String, linkage: LinkageKey?) -> Result<ReportIntake, IntakeError> {
        guard bytes.count <= maxBytes else {
            return .failure(IntakeError(
                code: .tooLarge,
                message: "the report is \(bytes.count) bytes; the limit is \(maxBytes) bytes (1 MiB): "
                    + "shorten the narrative or leave out what does not belong in the report"))
        }
        let json: JSONValue
        do {
            json = try JSON.parse(bytes, limits: JSONLimits(maxBytes: maxBytes))
        } catch {
            return .failure(IntakeError(code: .malformedJSON, message: "the report is not valid JSON: \(error)"))
        }
        switch validate(json, now: now, linkage: linkage) {
        case .success(let report):
            return .success(report)
        case .failure(let errors):
            let count = errors.issues.count
            return .failure(IntakeError(
                code: .invalid,
                message: "the report has \(count) problem\(count == 1 ? "" : "s"); fix each and try again:\n"
                    + errors.description,
                validation: errors))
        }
    }
}
