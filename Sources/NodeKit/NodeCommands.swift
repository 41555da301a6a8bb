import FieldModel
import Toolkit

/// The `fieldnode` command tree and which function runs each command.
///
/// The sync commands (`enroll`, `sync`, `daemon`) are declared here so that help and parsing
/// are complete; their implementation lives in the SyncClient module and is wired in
/// `handler(for:)`.
public enum NodeCommands {
    /// A command's work; it throws `NodeError` (or any error, reported as internal) to fail.
    typealias Handler = (NodeContext) throws -> Void

    /// `--data-dir`, accepted before or after the subcommand names.
    public static let globalOptions: [ArgumentSpec] = [
        .option("data-dir", valueName: "dir",
                help: "Where this node keeps its data (default: $FIELDNODE_DATA_DIR, $STATE_DIRECTORY, "
                    + "else ~/.local/share/fieldsync/node)."),
    ]

    /// The whole tree, as `--help` shows it.
    public static let root = CommandSpec(
        name: "fieldnode",
        abstract: "Record reports of sexual exploitation and abuse on a field laptop and sync them to the mission hub.",
        discussion: "Start with 'fieldnode init', then record reports with 'fieldnode report new' "
            + "(interactive) or 'fieldnode report add --json FILE'.",
        subcommands: [initCommand, enroll, report, sync, daemon, status],
        version: NodeCLI.version)

    /// `text` (default) or `json`.
    static let outputFormat = ValueRule.choices(["text", "json"], noun: "an output format")

    static let initCommand = CommandSpec(
        name: "init", abstract: "Set up this laptop as a field node for one mission.",
        arguments: [
            .option("mission", valueName: "code", required: true,
                    rule: ValueRule(noun: "a mission code", hint: "write 2 to 16 capital letters or digits, starting with a letter, such as MINUSCA",
                                    accepts: Intake.isMissionCode),
                    help: "The mission code, e.g. MINUSCA (2 to 16 capital letters or digits)."),
            .option("node-name", valueName: "name", required: true,
                    rule: ValueRule(noun: "a node name", hint: "write 1 to \(InitCommand.maxNodeNameLength) printable characters, such as bangui-desk-1",
                                    accepts: InitCommand.isNodeName),
                    help: "A name for this laptop that the hub admins will recognise, e.g. bangui-desk-1."),
            .option("mission-file", valueName: "file",
                    help: "The mission file from the hub admin (missionhub mission-file): the hub's sealing key. Reports are recorded only once it is installed; on an existing node, installs or replaces it."),
        ])

    static let enroll = CommandSpec(
        name: "enroll", abstract: "Register this node with the mission hub using a one-time token.",
        arguments: [
            .option("hub", valueName: "url", required: true, help: "The hub's address, e.g. https://hub.example.org."),
            .option("token", valueName: "token", required: true, help: "The one-time enrollment token from the hub admin."),
            .option("label", valueName: "name", help: "A name the hub shows for this laptop (default: the node name)."),
            .option("ca-file", valueName: "file", help: "A PEM bundle of the CAs to trust for the hub (a mission's own CA)."),
            .option("pin", valueName: "sha256//key", help: "Pin the hub's public key (sha256//BASE64)."),
        ])

    static let report = CommandSpec(
        name: "report", abstract: "Record, list, show and amend reports.",
        subcommands: [reportAdd, reportNew, reportList, reportShow, reportAmend])

    static let reportAdd = CommandSpec(
        name: "add", abstract: "Record a report from a JSON file (the intake contract).",
        arguments: [
            .option("json", valueName: "file", required: true, help: "The report as JSON; - reads standard input. At most 1 MiB."),
            .option("output", valueName: "format", rule: outputFormat, help: "text (default) or json."),
        ])

    static let reportNew = CommandSpec(
        name: "new", abstract: "Record a report interactively, question by question (for an operator on a call).",
        discussion: "Nothing is saved until you confirm at the end; Ctrl-C or Ctrl-D cancels at any point.",
        arguments: [.option("output", valueName: "format", rule: outputFormat, help: "text (default) or json.")])

    static let reportList = CommandSpec(
        name: "list", abstract: "List the reports on this node, newest first.",
        arguments: [.flag("json", help: "Print JSON.")])

    static let reportShow = CommandSpec(
        name: "show", abstract: "Show one report: its fields, derived values, sync state and conflicts.",
        arguments: [
            .positional("report", valueName: "ref-or-id", help: "The reference code (e.g. MINUSCA-7Q4K-2M) or the id."),
            .flag("json", help: "Print JSON."),
        ])

    static let reportAmend = CommandSpec(
        name: "amend", abstract: "Change fields of a report, validated exactly like a new report.",
        discussion: "PATH is a field such as incident.area, victims[0].ageBand or consent.followUpContact; "
            + "sets (allegation.types, needs) take a comma list; dates are YYYY-MM-DD, FROM..TO or unknown; "
            + "coordinates LAT,LON; an empty value clears an optional field. All changes are saved "
            + "together, or none.",
        arguments: [
            .positional("report", valueName: "ref-or-id", help: "The reference code or the id."),
            .repeatingOption("set", valueName: "path=value", required: true,
                             rule: ValueRule(noun: "PATH=VALUE", hint: "write a field, = and its value, such as --set incident.area=Bria",
                                             accepts: ReportAmendCommand.isAssignment),
                             help: "A change; repeat for more."),
            .option("identifiers", valueName: "file",
                    help: "The victim's identifiers as JSON ({\"name\": …, \"phone\": …, \"dateOfBirth\": …} or a list), "
                        + "- reads standard input: read only to scrub a new narrative, never stored."),
        ])

    static let sync = CommandSpec(
        name: "sync", abstract: "Send queued reports to the hub and fetch updates, once.",
        arguments: [.flag("json", help: "Print JSON.")])

    static let daemon = CommandSpec(
        name: "daemon", abstract: "Keep syncing in the background (run by systemd).",
        arguments: [
            .option("config", valueName: "file", help: "A configuration file (key = value lines); flags override it."),
            .option("interval", valueName: "duration",
                    rule: .duration(.seconds(1) ... .seconds(86_400), noun: "a sync interval", example: "60s or 5m"),
                    help: "Time between syncs when nothing happens, e.g. 60s or 5m."),
        ])

    static let status = CommandSpec(
        name: "status", abstract: "Show this node: mission, store, queue and last sync.",
        arguments: [.flag("json", help: "Print JSON.")])

    /// What runs for a parsed command path, e.g. `["report", "add"]`.
    static func handler(for path: [String]) -> Handler? {
        switch path {
        case ["init"]: InitCommand.run
        case ["enroll"]: SyncCommands.enroll
        case ["sync"]: SyncCommands.sync
        case ["daemon"]: SyncCommands.daemon
        case ["report", "add"]: ReportAddCommand.run
        case ["report", "new"]: ReportNewCommand.run
        case ["report", "list"]: ReportListCommand.run
        case ["report", "show"]: ReportShowCommand.run
        case ["report", "amend"]: ReportAmendCommand.run
        case ["status"]: StatusCommand.run
        default: debugHandler(for: path)
        }
    }
}
