import Foundation
import HubKit
import Synchronization
import SyncClient
import SyncEngine
import SyncProtocol
import Testing

/// Interoperability details with the real hub: content coding, TLS, a restored store.
@Suite struct HubInteropTests {
    /// Passes requests to libcurl and remembers their `Content-Encoding`.
    final class RecordingTransport: HubTransport {
        let inner: CurlTransport
        let encodings = Mutex<[String?]>([])
        init() throws { inner = try CurlTransport(tls: TLSSettings()) }
        func send(_ request: HubRequest) async throws(SyncClientError) -> HubResponse {
            encodings.withLock { $0.append(request.header("Content-Encoding")) }
            return try await inner.send(request)
        }
    }

    @Test func gzipRequestBodiesAreReadByTheHub() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            let credentials = try await node.enroll(port: port, hub: hub, name: "desk-gzip")
            try node.writeReports(4, narrativeBytes: 0)
            let ops = try node.store.pendingPush(peer: SyncRunner.peer)
            let transport = try RecordingTransport()
            let client = HubClient(credentials: credentials, store: node.store, transport: transport)
            // An uncompressed frame of repetitive ops: worth gzipping on the wire.
            let frame = BatchCodec.encode(ops, compress: false)
            let reply = await client.push(frame: frame)
            guard case .success(let ack) = reply.result else { Issue.record("push failed: \(reply.result)"); return }
            #expect(ack.perOrigin.first?.contiguousSeq == UInt64(ops.count))
            #expect(transport.encodings.withLock { $0 } == ["gzip"])
        }
    }

    @Test func httpsToAPlainHTTPPortFailsTheTLSHandshakeAndBacksOff() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        try await hub.serve { port in
            var credentials = try await node.enroll(port: port, hub: hub, name: "desk-tls")
            credentials.hubURL = try HubURL("https://127.0.0.1:\(port)")
            let runner = try SyncRunner(store: node.store, credentials: credentials)
            await #expect {
                try await runner.syncOnce()
            } throws: { error in
                guard let error = error as? SyncClientError else { return false }
                return error.code == .transport && error.transportCode == "tlsFailure" && error.retry == .backoff
            }
        }
    }

    @Test func aStoreRestoredFromABackupIsStoppedBeforeItReusesSequenceNumbers() async throws {
        let hub = try TestHub()
        let node = try TestNode()
        let backup = node.dir.file("backup.sqlite")
        try await hub.serve { port in
            try await node.enroll(port: port, hub: hub, name: "desk-restored")
            try node.writeReports(1)
            try node.store.backup(to: backup)
            try node.writeReports(1)
            _ = try await node.runner().syncOnce()
        }
        let restored = try Store.open(path: backup)
        let credentials = try Credentials.load(dataDir: node.dir.path)
        try await hub.serve { port in
            var direct = credentials
            direct.hubURL = try HubURL("http://127.0.0.1:\(port)")
            await #expect {
                try await SyncRunner(store: restored, credentials: direct).syncOnce()
            } throws: { error in
                guard let error = error as? SyncClientError else { return false }
                return error.code == .storeBehindHub && error.retry == .stop && error.message.contains("backup")
            }
        }
        #expect(try restored.peerState(SyncRunner.peer).lastError?.hasPrefix("storeBehindHub") == true)
    }
}
