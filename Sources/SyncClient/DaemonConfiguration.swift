/// What `fieldnode daemon` reads from its configuration file and flags; `Daemon` asks for a
/// fresh one on SIGHUP.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Time between rounds when nothing happens (default 60 s).
    public var interval: Duration
    /// How often the daemon looks for local writes (the store's own-op count), a replaced
    /// `credentials.json` and a pending SIGHUP (default 2 s).
    public var pollInterval: Duration
    /// A hub URL overriding the one in `credentials.json` (the hub moved); nil keeps it.
    public var hubURL: String?
    /// A CA bundle overriding the one in `credentials.json` (`ca_file`); nil keeps it.
    public var caFile: String?
    /// A key pin overriding the one in `credentials.json` (`pinned_public_key`); nil keeps it.
    public var pinnedPublicKey: String?
    /// Batch sizes, timeouts, encodings.
    public var sync: SyncOptions
    /// First backoff ceiling after a failure (default 5 s, spec §11.2).
    public var backoffBase: Duration
    /// Largest backoff delay (default 5 min).
    public var backoffCap: Duration

    public init(interval: Duration = .seconds(60), pollInterval: Duration = .seconds(2), hubURL: String? = nil,
                caFile: String? = nil, pinnedPublicKey: String? = nil, sync: SyncOptions = SyncOptions(), backoffBase: Duration = .seconds(5),
                backoffCap: Duration = .seconds(300)) {
        self.interval = interval
        self.pollInterval = pollInterval
        self.hubURL = hubURL
        self.caFile = caFile
        self.pinnedPublicKey = pinnedPublicKey
        self.sync = sync
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    /// `credentials` with this configuration's overrides applied, each on its own: a
    /// configuration that sets only `ca_file` keeps the pin from enrollment.
    public func applied(to credentials: Credentials) throws(SyncClientError) -> Credentials {
        var effective = credentials
        if let hubURL { effective.hubURL = try HubURL(hubURL) }
        if let caFile { effective.caFile = caFile }
        if let pinnedPublicKey { effective.pinnedPublicKey = pinnedPublicKey }
        return effective
    }
}
