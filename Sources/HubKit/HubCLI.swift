import Dispatch
import FieldModel
import HTTP
import SyncEngine
import SyncProtocol
import Toolkit

/// Where a command's output goes: stdout for results, stderr for errors and logs.
public struct HubConsole: Sendable {
    public var output: @Sendable (String) -> Void
    public var error: @Sendable (String) -> Void

    public init(output: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        self.output = output
        self.error = error
    }

    /// The process's stdout and stderr.
    public static let standard = HubConsole(output: { StandardStream.output.write($0) },
                                            error: { StandardStream.error.write($0) })
}

/// Test seams for `serve`.
public struct ServeHooks: Sendable {
    /// Stop signals; nil: the process's SIGTERM and SIGINT.
    public var signals: AsyncStream<UnixSignal>?
    /// Called with the bound server before READY=1 (tests read its port).
    public var onListening: @Sendable (HTTPServer) -> Void

    public init(signals: AsyncStream<UnixSignal>? = nil, onListening: @escaping @Sendable (HTTPServer) -> Void = { _ in }) {
        self.signals = signals
        self.onListening = onListening
    }
}

/// The `missionhub` command line: parse and validate, run, map failures to exit codes (0 ok,
/// 1 user error, 64 usage error, 70 internal) with Toolkit's `CLIRunner`, as `fieldnode` does.
/// `main.swift` only calls `run`.
public enum HubCLI {
    static let dataDirOption = ArgumentSpec.option("data-dir", valueName: "dir",
                                                   help: "The hub's data directory (else $MISSIONHUB_DATA_DIR, $STATE_DIRECTORY, ~/.local/share/fieldsync/hub).")
    static let jsonFlag = ArgumentSpec.flag("json", help: "Print JSON.")

    /// What `missionhub --version` prints.
    public static let version = ProductVersion.line(executable: "missionhub", protocolVersion: RequestSigning.protocolVersion)

    /// `--mission`: checked like the intake checks `mission`.
    static let missionCode = ValueRule(noun: "a mission code",
                                       hint: "write 2 to 16 capital letters or digits, starting with a letter, such as MINUSCA",
                                       accepts: Intake.isMissionCode)
    /// `--expires`: 1m to 30d.
    static let tokenLifetime = ValueRule.duration(.seconds(60) ... .seconds(30 * 86_400), noun: "a token lifetime", example: "24h")
    /// `node enroll NAME`: checked as the registry checks it.
    static let nodeName = ValueRule(noun: "a node name", hint: "write 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                                    accepts: NodeRegistry.isValidName)
    /// `--listen`: `HOST:PORT`.
    static let listenAddress = ValueRule(noun: "a listen address",
                                         hint: "write HOST:PORT, such as 127.0.0.1:\(HubSettings.defaultPort) or [::1]:\(HubSettings.defaultPort)") {
        (try? HubSettings.parseListen($0)) != nil
    }

    /// The command tree.
    public static let spec = CommandSpec(
        name: "missionhub", abstract: "The fieldsync mission hub: receives SEA reports from enrolled field laptops.",
        subcommands: [
            CommandSpec(name: "init", abstract: "Create the hub's store for a mission.",
                        discussion: "Creates the data directory (mode 0700) and the store hub.sqlite in it, with the hub's node id and sealing key.",
                        arguments: [.option("mission", valueName: "code", required: true, rule: missionCode,
                                            help: "The mission code, such as MINUSCA.")]),
            CommandSpec(name: "serve", abstract: "Serve the sync endpoints until SIGTERM or SIGINT.",
                        discussion: """
                            Without --listen or --unix the hub listens on 127.0.0.1:\(HubSettings.defaultPort); put it behind a TLS terminator (see Deploy/). \
                            The config file holds `key = value` lines (# comments) with the keys \(HubSettings.configKeys.joined(separator: ", ")); flags override it. \
                            Logs go to stderr with journald priorities; under systemd (Type=notify) the hub reports readiness, pings the watchdog and stops gracefully on SIGTERM.
                            """,
                        arguments: [
                            .option("listen", valueName: "host:port", rule: listenAddress, help: "Listen on TCP, such as 127.0.0.1:8470."),
                            .option("unix", valueName: "path", rule: .absolutePath(example: "/run/missionhub/hub.sock"),
                                    help: "Listen on a Unix socket instead of TCP."),
                            .option("config", valueName: "file", help: "Read settings from this key = value file."),
                        ],
                        constraints: [.exclusive(["listen", "unix"])]),
            CommandSpec(name: "node", abstract: "Enroll, list and revoke field laptops.", subcommands: [
                CommandSpec(name: "enroll", abstract: "Issue a one-time enrollment token for a new field laptop.",
                            discussion: "Prints the `fieldnode enroll` command to run on the laptop, with the hub's address, CA file and pin from the config file's public_url, public_ca_file and public_pin (--config, else /etc/fieldsync/missionhub.conf when it exists).",
                            arguments: [
                                .option("expires", valueName: "lifetime", rule: tokenLifetime, help: "How long the token stays valid: 30m, 24h, 7d (default 24h, at most 30d)."),
                                .option("config", valueName: "file", help: "The hub's config file (for public_url, public_ca_file, public_pin)."),
                                .positional("name", rule: nodeName, help: "A name for the laptop: letters, digits, '.', '_', '-'."),
                            ]),
                CommandSpec(name: "tokens", abstract: "List enrollment tokens not yet used, cancelled or expired; cancel one.",
                            discussion: "Never shows a token's text (the hub keeps only its hash). Revoking a node also cancels its outstanding tokens.",
                            arguments: [
                                jsonFlag,
                                .option("cancel", valueName: "id|name", help: "Cancel the token with this id, or every outstanding token for this node name."),
                            ]),
                CommandSpec(name: "list", abstract: "List enrolled laptops, their last contact and the ops received.",
                            arguments: [jsonFlag]),
                CommandSpec(name: "revoke", abstract: "Refuse every later request from a laptop, for ever, and cancel its outstanding tokens.",
                            arguments: [.positional("name", help: "The laptop's name, as in `node list`.")]),
            ]),
            CommandSpec(name: "report", abstract: "Reports received from the field.", subcommands: [
                CommandSpec(name: "list", abstract: "List received reports, newest first, withdrawn and amended ones marked.",
                            discussion: "Filters combine with AND; a filter given several times matches any of its values. URGENCY is high for a child involved or an age undetermined, urgent medical needs, or rape or sexual abuse within the last 72 hours by the incident's date.",
                            arguments: reportListArguments),
                CommandSpec(name: "show", abstract: "Show one report: its fields, and every change the field made after the hub received it.",
                            discussion: "Prints report content (this command only; the hub never logs it). Earlier values, who changed them and when are read from the op log, which keeps every op.",
                            arguments: [jsonFlag, .positional("report", help: "The reference code, such as MINUSCA-7Q4K-2M, or the report's entity id.")]),
            ]),
            CommandSpec(name: "quarantine", abstract: "Changes held because a laptop's clock was ahead.", subcommands: [
                CommandSpec(name: "list", abstract: "Per laptop: changes held, how far ahead they were stamped, when they would release by themselves.",
                            arguments: [jsonFlag]),
                CommandSpec(name: "release", abstract: "Merge a laptop's held changes now (they do not move the hub's clock).",
                            arguments: [
                                .flag("all", help: "Release every laptop's held changes."),
                                .positional("node", optional: true, help: "The laptop's name or node id, as in `quarantine list`."),
                            ],
                            constraints: [.exactlyOne(["node", "all"])]),
            ]),
            CommandSpec(name: "mission-file", abstract: "Write the mission file a field laptop is provisioned with.",
                        discussion: "The file holds the mission code, the hub's current sealing public key and the mission's linkage key (a secret: carry the file to the laptop and delete the copy). `fieldnode init --mission-file FILE` installs it; both print its fingerprint, to compare.",
                        arguments: [
                            .option("out", valueName: "file", required: true, help: "The file to create (must not exist; written mode 0600)."),
                            .option("hub-url", valueName: "url", help: "The hub's address to note in the file (default: public_url of the config file)."),
                            .option("config", valueName: "file", help: "The hub's config file (for public_url)."),
                        ]),
            CommandSpec(name: "keys", abstract: "The hub's sealing keys: list them, rotate to a new one.", subcommands: [
                CommandSpec(name: "list", abstract: "List the sealing keys, the current one first, and whether each private key is found.",
                            arguments: [jsonFlag]),
                CommandSpec(name: "rotate", abstract: "Make a new current sealing key; old keys are kept so what was sealed to them still opens.",
                            discussion: "Restart the hub afterwards so enrollments hand out the new key, and make new mission files for the laptops."),
            ]),
            CommandSpec(name: "backup", abstract: "Copy the hub store to a new file, consistently, even while serving.",
                        discussion: "The copy holds the reports. It does not hold the device registry (registry.sqlite) nor the private keys (keys/), which a restore never rolls back; keep those apart.",
                        arguments: [.option("out", valueName: "file", required: true, help: "The backup file to create (must not exist).")]),
            CommandSpec(name: "restore", abstract: "Put a backup back as the hub's store, as a new epoch (the hub must be stopped).",
                        discussion: "The store being replaced is kept as hub.sqlite.replaced-<time>. The restored hub writes under a new id and announces a new epoch, so every laptop resends what the backup lacks and pulls again on its next sync. Devices, tokens, revocations and replay counters (registry.sqlite) are never restored: no security decision is undone.",
                        arguments: [.option("from", valueName: "file", required: true, help: "The backup file written by `missionhub backup`.")]),
            auditCommands,
        ],
        version: version)

    /// Runs `missionhub` with `arguments` (without the executable name); returns the exit status.
    public static func run(arguments: [String], environment: [String: String], console: HubConsole = .standard,
                           clock: @escaping @Sendable () -> UInt64 = Store.systemMilliseconds,
                           hooks: ServeHooks = ServeHooks()) async -> Int32 {
        let runner = CLIRunner(root: spec, globalOptions: [dataDirOption], output: console.output, error: console.error)
        return await runner.run(arguments) { command in
            let context = CommandContext(command: command, environment: environment, console: console, clock: clock)
            if command.path == ["serve"] {
                try await serve(context, hooks: hooks)
            } else {
                let text = try await offload { try runBlocking(context) }
                console.output(text)
            }
        }
    }

    /// The commands other than `serve`: blocking, run off Swift's cooperative threads.
    static func runBlocking(_ context: CommandContext) throws -> String {
        switch context.command.path {
        case ["init"]: return try initialize(context)
        case ["node", "enroll"]: return try enrollNode(context)
        case ["node", "list"]: return try list(NodeListing.self, context, audit: .nodeList)
        case ["node", "revoke"]: return try revokeNode(context)
        case ["node", "tokens"]: return try tokens(context)
        case ["report", "list"]: return try listReports(context)
        case ["report", "show"]: return try showReport(context)
        case ["mission-file"]: return try missionFile(context)
        case ["keys", "list"]: return try keysList(context)
        case ["keys", "rotate"]: return try keysRotate(context)
        case ["backup"]: return try backup(context)
        case ["restore"]: return try restore(context)
        case ["quarantine", "list"]: return try quarantineList(context)
        case ["quarantine", "release"]: return try quarantineRelease(context)
        case ["audit", "verify"]: return try auditVerify(context)
        case ["audit", "list"]: return try auditList(context)
        default: throw HubError(.internal, "no handler for '\(context.command.path.joined(separator: " "))'")
        }
    }

    /// Runs blocking work on a Dispatch thread and awaits it.
    static func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// What a command runs with.
struct CommandContext: Sendable {
    let command: ParsedCommand
    let environment: [String: String]
    let console: HubConsole
    let clock: @Sendable () -> UInt64

    /// The data directory: `--data-dir`, else `configured` (the config file's `data_dir`), else
    /// the environment rules.
    func dataDirectory(configured: String? = nil) -> String {
        HubStore.dataDirectory(flag: command.option("data-dir") ?? configured, environment: environment)
    }

    /// The hub store of the data directory, opened for a short command.
    func openStore() throws(HubError) -> Store {
        try HubStore.open(dataDirectory: dataDirectory(), options: HubStore.options(wallClock: clock))
    }

    /// The value of an option the spec declares `required: true` (the parser refused a line
    /// without it, or with it empty).
    func required(_ option: String) -> String {
        command.option(option) ?? ""
    }
}
