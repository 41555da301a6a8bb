import Crypto
import JSON
import Synchronization
import SyncEngine
import SyncProtocol
import Zlib

/// Speaks sync-v1 requests to one hub for one node: signs them (spec §10.2), compresses
/// bodies, reads error bodies and the hub's clock.
///
/// Invariants:
/// 1. Every signed request has a counter above every counter this node used before: the next
///    counter is `max(last + 1, wall ms × 1000)` and is stored in the store's metadata
///    (`sync_counter`) before the request leaves, so a crash or restart never reuses one.
/// 2. A `stale_counter` answer raises the stored counter to the hub's `lastCounter` before it
///    is reported, so the retry the session asks for carries a fresh counter.
/// 3. The signature covers the body bytes exactly as sent (after `Content-Encoding: gzip`), so
///    the hub verifies before it inflates anything.
/// 4. Every response with a valid `FS-Hub-Time` yields a `ClockSample`, errors included.
public final class HubClient: Sendable {
    /// The store metadata key holding the last request counter used.
    public static let counterKey = "sync_counter"
    /// Bodies shorter than this are sent uncompressed.
    public static let gzipThreshold = 512

    public let credentials: Credentials
    let store: Store
    let transport: any HubTransport
    let options: TransportOptions
    /// Set once the hub answered `415` to a gzip body: send plain bodies from then on.
    private let gzipRefused = Mutex(false)

    public init(credentials: Credentials, store: Store, transport: any HubTransport, options: TransportOptions = TransportOptions()) {
        self.credentials = credentials
        self.store = store
        self.transport = transport
        self.options = options
    }

    /// A request's outcome plus what its response said about the hub's clock.
    public struct Reply<Value: Sendable>: Sendable {
        public var result: Result<Value, SyncClientError>
        public var clock: ClockSample?
        /// The hub's epoch (`FS-Hub-Epoch`, spec §13.7), when the response named one.
        public var epoch: String? = nil
    }

    /// `POST /v1/push` with one batch frame.
    public func push(frame: [UInt8]) async -> Reply<PushAck> {
        let reply = await signedPost("push", body: frame)
        return Reply(result: reply.result.flatMap { body in
            do { return .success(try PushAck.decode(body)) } catch {
                return .failure(.badResponse("push ack: \(error)"))
            }
        }, clock: reply.clock, epoch: reply.epoch)
    }

    /// `POST /v1/pull`.
    public func pull(_ request: PullRequest) async -> Reply<PullResponse> {
        let reply = await signedPost("pull", body: request.encode())
        return Reply(result: reply.result.flatMap { body in
            do { return .success(try PullResponse.decode(body)) } catch {
                return .failure(.badResponse("pull response: \(error)"))
            }
        }, clock: reply.clock, epoch: reply.epoch)
    }

    /// Signs and sends `body` to `/v1/<endpoint>`; the `200` body or the error.
    func signedPost(_ endpoint: String, body plain: [UInt8]) async -> Reply<[UInt8]> {
        let counter: UInt64
        do {
            counter = try await reserveCounter()
        } catch {
            return Reply(result: .failure(error), clock: nil)
        }
        var headers: [(name: String, value: String)] = [
            (RequestSigning.protocolHeader, RequestSigning.protocolVersion),
            ("Content-Type", "application/octet-stream"),
        ]
        var body = plain
        if options.gzipRequests, plain.count >= Self.gzipThreshold, !gzipRefused.withLock({ $0 }) {
            let packed = Zlib.compress(plain, format: .gzip)
            if packed.count < plain.count {
                body = packed
                headers.append(("Content-Encoding", "gzip"))
            }
        }
        // What this node still has to deliver, so the hub admin sees each laptop's backlog. The
        // header is informational: if the count cannot be read, the request goes without it
        // (the store failure itself surfaces in the round's next store step).
        // Left out while our acknowledgements are unverified (the hub started a new epoch):
        // the count would claim the hub holds what it may have lost.
        let store = self.store
        if let backlog = try? await store.async({ store -> Int? in
            try store.peerState(SyncRunner.peer).acksVerified ? try store.backlog(peer: SyncRunner.peer) : nil
        }) {
            headers.append((RequestSigning.backlogHeader, String(backlog)))
        }
        let path = credentials.hubURL.path(endpoint)
        let base = RequestSigning.baseString(method: "POST", path: path, node: credentials.nodeID, counter: counter, body: body)
        headers += [
            (RequestSigning.nodeHeader, credentials.nodeID.hex),
            (RequestSigning.counterHeader, String(counter)),
            (RequestSigning.signatureHeader, Hex.encode(credentials.privateKey.signature(for: base))),
        ]
        let request = HubRequest(method: "POST", url: credentials.hubURL.endpoint(endpoint), headers: headers, body: body)
        let exchange = await Self.exchange(request, transport: transport, wallClock: store.options.wallClock)
        guard case .success(let response) = exchange.result else {
            return Reply(result: exchange.result.map { $0.body }, clock: exchange.clock)
        }
        let epoch = Self.epoch(response)
        if response.status == 415, body.count != plain.count {
            // The hub cannot read gzip bodies: remember, and send this one again plainly.
            gzipRefused.withLock { $0 = true }
            return await signedPost(endpoint, body: plain)
        }
        let result = Self.interpret(response)
        if case .failure(let error) = result, let last = error.wire?.lastCounter, error.wire?.code == .staleCounter {
            do {
                try await raiseCounter(to: last)
            } catch {
                return Reply(result: .failure(error), clock: exchange.clock, epoch: epoch)
            }
        }
        return Reply(result: result, clock: exchange.clock, epoch: epoch)
    }

    /// `FS-Hub-Epoch` when it is 32 lowercase hex digits, else nil (an older hub, a proxy's own page).
    static func epoch(_ response: HubResponse) -> String? {
        guard let text = response.header(RequestSigning.hubEpochHeader), text.utf8.count == 32,
              text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        return text
    }

    /// Sends `request` and measures the hub's clock against `wallClock` (invariant 4).
    static func exchange(_ request: HubRequest, transport: any HubTransport,
                         wallClock: @Sendable () -> UInt64) async -> Reply<HubResponse> {
        let wallStart = wallClock()
        let started = ContinuousClock.now
        let response: HubResponse
        do {
            response = try await transport.send(request)
        } catch {
            return Reply(result: .failure(error), clock: nil)
        }
        let elapsed = ContinuousClock.now - started
        let clock = response.header(RequestSigning.hubTimeHeader).flatMap(UInt64.init).map {
            ClockSample(hubTime: $0, localStart: wallStart, roundTrip: elapsed)
        }
        return Reply(result: .success(response), clock: clock)
    }

    /// The `200` body, or the hub's error (spec §11.1). A non-`200` without a valid error
    /// body is `backoff` (spec §11.2).
    static func interpret(_ response: HubResponse) -> Result<[UInt8], SyncClientError> {
        if response.status == 200 { return .success(response.body) }
        let retryAfter = response.header("retry-after").flatMap(Int.init).flatMap { $0 >= 0 ? Duration.seconds($0) : nil }
        guard let parsed = try? JSON.parse(response.body), let error = parsed["error"]?.objectValue,
              let codeText = error["code"]?.stringValue, let code = WireError.Code(rawValue: codeText) else {
            return .failure(SyncClientError(.badResponse,
                                            "the hub answered HTTP \(response.status) without a sync-v1 error body (a proxy or gateway in between?); will retry",
                                            retry: .backoff, retryAfter: retryAfter))
        }
        let message = error["message"]?.stringValue ?? "no message"
        let lastCounter = error["lastCounter"]?.int64Value.flatMap { $0 >= 0 ? UInt64($0) : nil }
        let wire = WireError(code, message, lastCounter: lastCounter)
        let advice = error["retry"]?.stringValue.flatMap(Retry.init(rawValue:)) ?? code.retry
        return .failure(SyncClientError.hub(wire, retry: advice, retryAfter: retryAfter))
    }

    /// The next request counter, stored before it is used (invariant 1).
    func reserveCounter() async throws(SyncClientError) -> UInt64 {
        do {
            return try await store.async { store in
                let last = try store.metadata(Self.counterKey).flatMap(UInt64.init) ?? 0
                let next = RequestSigning.nextCounter(after: last, wallMilliseconds: store.options.wallClock())
                try store.setMetadata(Self.counterKey, String(next))
                return next
            }
        } catch {
            throw SyncClientError.store(error)
        }
    }

    /// Raises the stored counter to at least `last` (invariant 2).
    func raiseCounter(to last: UInt64) async throws(SyncClientError) {
        do {
            try await store.async { store in
                let stored = try store.metadata(Self.counterKey).flatMap(UInt64.init) ?? 0
                if last > stored { try store.setMetadata(Self.counterKey, String(last)) }
            }
        } catch {
            throw SyncClientError.store(error)
        }
    }
}

/// One reading of the hub's clock: `offset = hubTime − (local start + round trip / 2)`.
public struct ClockSample: Sendable, Hashable {
    /// `FS-Hub-Time`, ms since the epoch.
    public let hubTime: UInt64
    /// Our wall clock when the request left, ms since the epoch.
    public let localStart: UInt64
    /// How long the exchange took (monotonic clock).
    public let roundTrip: Duration

    public init(hubTime: UInt64, localStart: UInt64, roundTrip: Duration) {
        self.hubTime = hubTime
        self.localStart = localStart
        self.roundTrip = roundTrip
    }

    /// Hub clock minus ours at the midpoint of the exchange, in ms.
    public var offsetMilliseconds: Int64 {
        Int64(clamping: hubTime) &- Int64(clamping: localStart) &- roundTrip.wholeMilliseconds / 2
    }
}

extension SyncClientError {
    /// A store failure; `storeBehindPeer` becomes `.storeBehindHub` (stop: the operator must act).
    static func store(_ error: any Error) -> SyncClientError {
        if let storeError = error as? StoreError, storeError.code == .storeBehindPeer {
            return SyncClientError(.storeBehindHub, storeError.message, retry: .stop)
        }
        return SyncClientError(.store, "the local store failed: \(error); check the data directory (disk full? permissions?)",
                               retry: .backoff)
    }
}
