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
    /// TLS settings overriding those in `credentials.json`; nil keeps them.
    public var tls: TLSSettings?
    /// Batch sizes, timeouts, encodings.
    public var sync: SyncOptions
    /// First backoff ceiling after a failure (default 5 s, spec §11.2).
    public var backoffBase: Duration
    /// Largest backoff delay (default 5 min).
    public var backoffCap: Duration

    public init(interval: Duration = .seconds(60), pollInterval: Duration = .seconds(2), hubURL: String? = nil,
                tls: TLSSettings? = nil, sync: SyncOptions = SyncOptions(), backoffBase: Duration = .seconds(5),
                backoffCap: Duration = .seconds(300)) {
        self.interval = interval
        self.pollInterval = pollInterval
        self.hubURL = hubURL
        self.tls = tls
        self.sync = sync
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    /// `credentials` with this configuration's hub URL and TLS overrides applied.
    public func applied(to credentials: Credentials) throws(SyncClientError) -> Credentials {
        var effective = credentials
        if let hubURL { effective.hubURL = try HubURL(hubURL) }
        if let tls {
            effective.caFile = tls.caFile
            effective.pinnedPublicKey = tls.pinnedPublicKey
        }
        return effective
    }
}
