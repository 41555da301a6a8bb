/// One thing the watchdog must see alive before it pings: a main loop's heartbeat, the store
/// answering a read, the server answering a connection.
///
/// The probe returns nil when alive, else one line saying why not (no report content). It
/// may take long or never return (a hung store): the ``Watchdog`` then withholds the ping and
/// logs the check as late; it cancels probes it stops waiting for, so probes that can be
/// cancelled should be.
public struct LivenessCheck: Sendable {
    /// What is checked, for the log: `store`, `http`, `sync loop`.
    public let name: String
    let probe: @Sendable () async -> String?

    public init(_ name: String, probe: @escaping @Sendable () async -> String?) {
        self.name = name
        self.probe = probe
    }

    /// Alive while `heartbeat` keeps its promise (``Heartbeat/overdue(at:)``).
    public static func heartbeat(_ name: String, _ heartbeat: Heartbeat) -> LivenessCheck {
        LivenessCheck(name) { heartbeat.overdue() }
    }
}
