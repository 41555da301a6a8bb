import FieldModel
import JSON
import Linkage
#if canImport(Glibc)
import Glibc
#endif

/// `fieldnode report add --json FILE|-`: reads one report (at most 1 MiB), validates it like
/// every intake, scrubs its narrative with the victims' identifiers (`NarrativeScrubbing`) and
/// stores it in one transaction.
enum ReportAddCommand {
    static func run(_ context: NodeContext) throws {
        let source = context.command.option("json") ?? "-"  // required: the parser refused a line without it
        let format = context.outputFormat()
        let node = try context.openNode()
        // A report is never stored unsealed, nor its identifiers without their codes, for lack
        // of a key: the mission file carries both.
        let missionFile = try node.requireMissionFile()
        let bytes = try read(source, context: context)
        let parsed = try parse(bytes, now: context.nowRFC3339, linkage: LinkageKey(bytes: missionFile.linkageKey))
        let scrubbed = try NarrativeScrubbing.scrub(parsed, identifiers: NarrativeScrubbing.identifiers(inIntake: bytes),
                                                    now: context.nowRFC3339)
        let saved = try ReportWriter.create(scrubbed.report, in: node)
        NarrativeScrubbing.note(scrubbed.result, context: context)
        printSaved(saved, format: format, context: context)
    }

    /// `saved MINUSCA-7Q4K-2M (id …)`, or `{"id": …, "ref": …}` with `--output json`.
    static func printSaved(_ saved: (ref: String, id: String), format: OutputFormat, context: NodeContext) {
        switch format {
        case .text: context.say("saved \(saved.ref) (id \(saved.id))")
        case .json: context.sayJSON(.object(JSONObject(["id": .string(saved.id), "ref": .string(saved.ref)])))
        }
    }

    /// Validates a report like every intake; the error lists every problem at once.
    static func parse(_ bytes: [UInt8], now: String, linkage: LinkageKey?) throws -> ReportIntake {
        switch Intake.parse(bytes, now: now, linkage: linkage) {
        case .success(let report):
            return report
        case .failure(let error):
            switch error.code {
            case .tooLarge:
                throw tooLarge
            case .malformedJSON:
                throw NodeError.user(error.message, hint: "fix the file and run the command again; nothing was saved")
            case .invalid:
                let issues = error.validation?.issues.map(\.description) ?? [error.message]
                let count = issues.count
                throw NodeError.user("the report has \(count) problem\(count == 1 ? "" : "s"):", details: issues,
                                     hint: "fix the fields above and run the command again; nothing was saved")
            }
        }
    }

    static let tooLarge = NodeError.user(
        "the report is larger than 1 MiB (\(Intake.maxBytes) bytes); nothing was saved",
        hint: "shorten the narrative or leave out what does not belong in the report")

    /// The bytes of `source` (a path, or `-` for standard input), reading at most one byte
    /// more than the limit: a larger input is refused without being read whole.
    static func read(_ source: String, context: NodeContext) throws -> [UInt8] {
        let limit = Intake.maxBytes + 1
        let bytes: [UInt8]
        if source == "-" {
            bytes = try readAll(context.input, limit: limit, name: "standard input")
        } else {
            let fd = open(source, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw cannotRead(source, errno: errno) }
            defer { close(fd) }
            var info = stat()
            if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { throw cannotRead(source, errno: EISDIR) }
            bytes = try readAll(ByteInput(fileDescriptor: fd), limit: limit, name: source)
        }
        guard bytes.count <= Intake.maxBytes else { throw tooLarge }
        return bytes
    }

    private static func readAll(_ input: ByteInput, limit: Int, name: String) throws -> [UInt8] {
        do {
            return try input.read(upTo: limit)
        } catch {
            throw cannotRead(name, errno: error.errno)
        }
    }

    private static func cannotRead(_ source: String, errno code: Int32) -> NodeError {
        .user("cannot read \(source): \(String(cString: strerror(code))); nothing was saved",
              hint: "check the path, or give - to read the report from standard input")
    }
}
