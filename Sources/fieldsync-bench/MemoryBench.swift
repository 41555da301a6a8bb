import Foundation
import HubKit
import SyncClient
import SyncEngine
import SyncProtocol

/// Issue 14: the peak memory of a real `missionhub serve` (default settings, loopback) under
/// hostile load, each attack on a freshly started hub over the same data directory, as the
/// growth of its `VmHWM` over the idle hub's:
///
/// - pull: one signed pull asking 16 MiB against a store of `largeOps` reference ops of
///   200 KiB (what a node's first pull meets after big reference data).
/// - slow bodies: `slowConnections` connections each sending a 16 MiB body 1 MiB at a time,
///   round-robin with pauses, stopping 1 MiB short (the hub holds what it has).
/// - enroll bomb: 16 unauthenticated enrollments gzipped from 16 MiB of zeros (16 KiB sent).
/// - push bomb, unsigned: 16 pushes of the same with a made-up signature.
/// - push bomb, signed: 4 concurrent pushes by an enrolled node of 16 MiB of zeros, gzipped
///   by `HubClient` (inflated, then refused as no frame).
/// - big frames, signed: 16 concurrent pushes of one valid 16 MiB frame (80 ops of 200 KiB),
///   gzipped by `HubClient` to a few dozen KiB: each inflates and decodes to 16 MiB of ops.
///
/// With a `baseline` binary (an older `missionhub`) every attack also runs against it, on its
/// own data directory, so before and after come from the same run.
@MainActor
enum MemoryBench {
    struct Figure {
        let attack: String
        let grownKiB: Int
        let outcome: String
    }

    static let largeOpBytes = 200 * 1024

    /// Figures for each attack against `binary` (nil: the `missionhub` next to this executable).
    static func run(binary: String?, largeOps: Int, slowConnections: Int) async throws -> [Figure] {
        let root = Bench.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hub = try HubProcess(directory: root, binary: binary)
        defer { hub.stop() }
        _ = try hub.command(["init", "--mission", "MINUSCA"])
        try fill(hub, ops: largeOps)
        try hub.start()
        let enrolled = try await enroll(hub, root: root)
        hub.stop()
        // Every start picks a new port: a client for the hub that runs now.
        func node() throws -> HubClient {
            var credentials = enrolled.credentials
            credentials.hubURL = try HubURL(hub.url)
            return HubClient(credentials: credentials, store: enrolled.store, transport: try CurlTransport(tls: TLSSettings()))
        }

        var figures: [Figure] = []
        func measure(_ attack: String, _ body: () async throws -> String) async throws {
            try hub.start()
            defer { hub.stop() }
            let idle = try hub.peakMemoryKiB()
            let outcome = try await body()
            figures.append(Figure(attack: attack, grownKiB: try hub.peakMemoryKiB() - idle, outcome: outcome))
        }
        try await measure("pull, max bytes 16 MiB, \(largeOps) x 200 KiB ops") {
            switch try await node().pull(PullRequest(cursor: 0, maxBytes: 16 << 20)).result {
            case .success(let page): return "\(page.ops.count) ops"
            case .failure(let error): return error.code.rawValue
            }
        }
        try await measure("\(slowConnections) slow 16 MiB bodies") { try slowBodies(port: hub.port, connections: slowConnections) }
        let bomb = ContentCoding.gzip([UInt8](repeating: 0, count: 16 << 20))
        try await measure("16 gzip bombs to /v1/enroll (\(bomb.count / 1024) KiB each)") {
            try bombs(port: hub.port, path: "/v1/enroll", body: bomb, headers: [("Content-Encoding", "gzip")])
        }
        let forged = [("Content-Encoding", "gzip"), ("FS-Node", enrolled.credentials.nodeID.hex), ("FS-Counter", "1"),
                      ("FS-Signature", String(repeating: "0", count: 128))]
        try await measure("16 unsigned gzip bombs to /v1/push") { try bombs(port: hub.port, path: "/v1/push", body: bomb, headers: forged) }
        try await measure("4 signed gzip bombs to /v1/push") {
            let client = try node()
            let replies = await Bench.concurrently(Array(0..<4), limit: 4) { _ in
                await client.push(frame: [UInt8](repeating: 0, count: 16 << 20)).result
            }
            return replies.map { reply in
                if case .failure(let error) = reply { return error.code.rawValue }
                return "accepted"
            }.joined(separator: ",")
        }
        let frame = bigFrame(origin: enrolled.credentials.nodeID)
        try await measure("16 signed pushes of one \(frame.count >> 20) MiB frame, gzipped") {
            let client = try node()
            let replies = await Bench.concurrently(Array(0..<16), limit: 16) { _ in await client.push(frame: frame).result }
            let outcomes = replies.map { reply in
                if case .failure(let error) = reply { return error.wire?.code.rawValue ?? error.transportCode ?? error.code.rawValue }
                return "acknowledged"
            }
            return Dictionary(grouping: outcomes, by: { $0 }).map { "\($0.value.count)x \($0.key)" }.sorted().joined(separator: ", ")
        }
        return figures
    }

    /// A valid frame of 80 ops of the node's own report, 200 KiB of one letter each: about
    /// 16 MiB, which gzip (as `HubClient` sends it) shrinks to a few dozen KiB.
    static func bigFrame(origin: NodeID) -> [UInt8] {
        let entity = EntityID.make(owner: origin, local: "big")
        let now = Store.systemMilliseconds()
        let ops = (1...80).map { seq in
            Op(id: OpID(origin: origin, seq: UInt64(seq)), hlc: HLC(milliseconds: now, counter: UInt16(seq)), collection: "report",
               entity: entity, action: .set(field: "note\(seq)", value: .string(String(repeating: "n", count: largeOpBytes)), rank: 0, supersedes: []))
        }
        return BatchCodec.encode(ops, compress: false)
    }

    /// `count` reference ops of 200 KiB written straight into the hub store, 50 a transaction.
    static func fill(_ hub: HubProcess, ops count: Int) throws {
        let store = try HubStore.open(dataDirectory: hub.dataDir, options: HubStore.options())
        let text = String(repeating: "x", count: largeOpBytes)
        for first in stride(from: 0, to: count, by: 50) {
            try store.write { tx in
                for i in first..<min(first + 50, count) { try tx.set("ref.attachments", "a\(i)", "text", .string(text)) }
            }
        }
    }

    /// A node enrolled over HTTP (as `fieldnode enroll` does): its credentials and store.
    static func enroll(_ hub: HubProcess, root: String) async throws -> (credentials: Credentials, store: Store) {
        let directory = root + "/node"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let store = try WriteBench.nodeStore(mission: "MINUSCA", in: directory)
        let token = try hub.issueToken(node: "attacker")
        do {
            return (try await Enrollment.enroll(hubURL: hub.url, token: token, store: store, dataDir: directory), store)
        } catch {
            throw BenchError(.hub, "enrollment failed: \(error.message)")
        }
    }

    /// Each connection declares 16 MiB and sends 15 MiB of it, 1 MiB a round with 20 ms pauses.
    static func slowBodies(port: Int, connections: Int) throws -> String {
        let clients = try (0..<connections).map { _ in try AttackClient(port: port) }
        let mebibyte = [UInt8](repeating: 0x61, count: 1 << 20)
        clients.forEach { $0.send(AttackClient.head("/v1/push", contentLength: 16 << 20)) }
        for _ in 0..<15 {
            for client in clients { client.send(mebibyte) }
            usleep(20_000)
        }
        usleep(300_000)
        let answered = clients.compactMap { $0.status(within: 50) }
        return "\(answered.filter { $0 == 503 }.count) refused 503, \(connections - answered.count) held"
    }

    /// Sends every request first (16 connections), then reads the statuses.
    static func bombs(port: Int, path: String, body: [UInt8], headers: [(String, String)]) throws -> String {
        let clients = try (0..<16).map { _ in try AttackClient(port: port) }
        for client in clients { client.send(AttackClient.head(path, contentLength: body.count, headers: headers) + body) }
        let statuses = clients.map { $0.status(within: 10_000).map(String.init) ?? "none" }
        return Dictionary(grouping: statuses, by: { $0 }).map { "\($0.value.count)x \($0.key)" }.sorted().joined(separator: ", ")
    }
}
