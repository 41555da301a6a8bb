import Crypto
import Foundation
import Synchronization
import SyncClient
import SyncEngine
import SyncProtocol
import Testing
import Zlib

/// A transport that answers from a script and records what it was sent; it also reads the
/// store's counter while "on the wire", to prove the counter was stored before sending.
final class ScriptedTransport: HubTransport {
    struct Sent: Sendable {
        let request: HubRequest
        let storedCounter: String?
    }
    private let script: Mutex<[HubResponse]>
    private let log = Mutex<[Sent]>([])
    private let store: Store

    init(store: Store, _ responses: [HubResponse]) {
        self.store = store
        script = Mutex(responses)
    }

    var sent: [Sent] { log.withLock { $0 } }

    func send(_ request: HubRequest) async throws(SyncClientError) -> HubResponse {
        let stored: String?
        do {
            stored = try await store.async { try $0.metadata(HubClient.counterKey) }
        } catch {
            throw SyncClientError(.store, "\(error)", retry: .stop)
        }
        log.withLock { $0.append(Sent(request: request, storedCounter: stored)) }
        guard let next = script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
            throw SyncClientError(.transport, "script ended", retry: .backoff, transportCode: "couldNotConnect")
        }
        return next
    }
}

func errorResponse(_ error: WireError, hubTime: UInt64 = 1_763_900_000_000) -> HubResponse {
    HubResponse(status: error.status, headers: ["content-type": "application/json", "fs-hub-time": String(hubTime)], body: error.jsonBody())
}

@Suite struct HubClientTests {
    let node = try! TestNode()

    func client(_ responses: [HubResponse], gzip: Bool = true) throws -> (HubClient, ScriptedTransport, Credentials) {
        let credentials = Credentials(nodeID: node.store.nodeID, privateKey: Ed25519.PrivateKey(), hubURL: try HubURL("https://hub.example.org/m"),
                                      hubNodeID: NodeID.random(), mission: "MINUSCA", enrolledAtMilliseconds: 0)
        let transport = ScriptedTransport(store: node.store, responses)
        return (HubClient(credentials: credentials, store: node.store, transport: transport,
                          options: TransportOptions(gzipRequests: gzip)), transport, credentials)
    }

    func ok(_ body: [UInt8], hubTime: UInt64? = nil) -> HubResponse {
        HubResponse(status: 200, headers: hubTime.map { ["fs-hub-time": String($0)] } ?? [:], body: body)
    }

    @Test func requestsAreSignedOverTheBodyAsSentWithIncreasingStoredCounters() async throws {
        let ack = PushAck(perOrigin: [], hubTime: 5)
        let (hub, transport, credentials) = try client([ok(ack.encode()), ok(ack.encode())])
        let small = [UInt8](repeating: 1, count: 10)
        let large = Array(String(repeating: "incident.area Bria ", count: 200).utf8)
        _ = await hub.push(frame: small)
        _ = await hub.push(frame: large)
        let sent = transport.sent
        #expect(sent.count == 2)
        var last: UInt64 = 0
        for (index, entry) in sent.enumerated() {
            let request = entry.request
            #expect(request.url == "https://hub.example.org/m/v1/push")
            #expect(request.header("FS-Protocol") == "1")
            #expect(request.header("FS-Node") == credentials.nodeID.hex)
            let counter = try #require(request.header("FS-Counter").flatMap(UInt64.init))
            #expect(counter > last)
            #expect(entry.storedCounter == String(counter), "the counter must be stored before the request leaves")
            last = counter
            let base = RequestSigning.baseString(method: "POST", path: "/m/v1/push", node: credentials.nodeID, counter: counter, body: request.body)
            let signature = try #require(request.header("FS-Signature").flatMap(Hex.decode))
            #expect(credentials.privateKey.publicKey.isValidSignature(signature, for: base))
            if index == 0 {
                #expect(request.header("Content-Encoding") == nil)
                #expect(request.body == small)
            } else {
                #expect(request.header("Content-Encoding") == "gzip")
                #expect(request.body.count < large.count)
                #expect(try Zlib.decompress(request.body, format: .gzip, maxOutputBytes: 1 << 20) == large)
            }
        }
        // A counter is at least the wall clock in microseconds (spec §10.2).
        #expect(last >= Store.systemMilliseconds() * 1000 - 60_000_000)
    }

    @Test func staleCounterRaisesTheStoredCounterAboveTheHubs() async throws {
        let far: UInt64 = 9_000_000_000_000_000_000
        let (hub, transport, _) = try client([errorResponse(WireError(.staleCounter, "reused", lastCounter: far)),
                                              ok(PushAck(perOrigin: [], hubTime: 1).encode())])
        let first = await hub.push(frame: [1])
        guard case .failure(let error) = first.result else { Issue.record("expected stale_counter"); return }
        #expect(error.wire?.code == .staleCounter && error.retry == .now)
        _ = await hub.push(frame: [1])
        #expect(transport.sent.last?.request.header("FS-Counter") == String(far + 1))
    }

    @Test func unsupportedGzipFallsBackToPlainBodies() async throws {
        let refused = HubResponse(status: 415, headers: [:], body: [])
        let ack = PushAck(perOrigin: [], hubTime: 1).encode()
        let (hub, transport, _) = try client([refused, ok(ack), ok(ack)])
        let body = [UInt8](repeating: 0x41, count: 4096)
        guard case .success = await hub.push(frame: body).result else { Issue.record("expected the plain resend to succeed"); return }
        _ = await hub.push(frame: body)
        let encodings = transport.sent.map { $0.request.header("Content-Encoding") }
        #expect(encodings == ["gzip", nil, nil])
        #expect(transport.sent[1].request.body == body)
    }

    @Test func errorBodiesHubTimeAndRetryAfterAreRead() async throws {
        var limited = errorResponse(WireError(.rateLimited, "too many"), hubTime: 2_000_000_000_000)
        limited.headers["retry-after"] = "42"
        let gateway = HubResponse(status: 502, headers: ["content-type": "text/html"], body: Array("<html>bad gateway</html>".utf8))
        let garbage = ok([0x41, 0x01, 0xFF])
        let (hub, _, _) = try client([limited, gateway, garbage])

        let first = await hub.push(frame: [1])
        guard case .failure(let error) = first.result else { Issue.record("expected rate_limited"); return }
        #expect(error.wire?.code == .rateLimited && error.retry == .backoff && error.retryAfter == .seconds(42))
        let offset = try #require(first.clock?.offsetMilliseconds)
        #expect(abs(offset - (2_000_000_000_000 - Int64(Store.systemMilliseconds()))) < 5_000)

        let second = await hub.push(frame: [1])
        guard case .failure(let bad) = second.result else { Issue.record("expected a bad response"); return }
        #expect(bad.code == .badResponse && bad.retry == .backoff && bad.message.contains("502"))
        #expect(second.clock == nil)

        guard case .failure(let undecodable) = await hub.push(frame: [1]).result else { Issue.record("expected a decode failure"); return }
        #expect(undecodable.code == .badResponse && undecodable.retry == .backoff)
    }

    @Test func theHubsRetryFieldWinsOverTheCodesDefault() async throws {
        let body = Array(#"{"error":{"code":"internal","message":"x","retry":"stop"}}"#.utf8)
        let (hub, _, _) = try client([HubResponse(status: 500, headers: [:], body: body)])
        guard case .failure(let error) = await hub.pull(PullRequest(cursor: 0)).result else { Issue.record("expected failure"); return }
        #expect(error.retry == .stop)
    }

    @Test func clockSampleUsesTheMidpointOfTheExchange() {
        let sample = ClockSample(hubTime: 10_000, localStart: 4_000, roundTrip: .milliseconds(2_000))
        #expect(sample.offsetMilliseconds == 5_000)
    }
}
