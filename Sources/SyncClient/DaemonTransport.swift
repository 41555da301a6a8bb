import Toolkit

/// The daemon's transport: libcurl (or any `HubTransport`), beating the loop's `Heartbeat`
/// around each request, so that a long round is seen making progress request by request and
/// a request that outlives its own timeouts is seen as a hung loop.
struct DaemonTransport: HubTransport {
    let base: any HubTransport
    let heartbeat: Heartbeat
    /// The longest a request may take: libcurl's connect plus total timeout, plus the allowance.
    let duringRequest: Duration
    /// The promise after a request: the rest of the turn.
    let afterRequest: Duration

    init(base: any HubTransport, heartbeat: Heartbeat, options: TransportOptions, pollInterval: Duration) {
        self.base = base
        self.heartbeat = heartbeat
        duringRequest = options.connectTimeout + options.totalTimeout + DaemonLoop.turnAllowance
        afterRequest = pollInterval + DaemonLoop.turnAllowance
    }

    func send(_ request: HubRequest) async throws(SyncClientError) -> HubResponse {
        heartbeat.beat(nextWithin: duringRequest)
        defer { heartbeat.beat(nextWithin: afterRequest) }
        return try await base.send(request)
    }
}
