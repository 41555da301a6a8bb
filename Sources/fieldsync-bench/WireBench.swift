import JSON
import NodeKit
import SyncClient
import SyncEngine
import SyncProtocol
import Zlib

/// Issue 3: bytes on the wire for one typical new report, against the gzip size of that
/// report's intake JSON (the file an operator would hand to `fieldnode report add`).
///
/// The bytes are the push body exactly as the node sends it: `SyncSession` encodes the
/// pending ops with `BatchCodec.encode(ops, compress: true)`, and `HubClient` then gzips a body
/// of at least 512 bytes (`HubClient.gzipThreshold`) and sends the gzip only when it is smaller.
/// HTTP headers (request line, Host, FS-Node, FS-Counter, FS-Signature, …) are not counted.
enum WireBench {

    struct Result {
        let sample: String
        let ops: Int
        /// The frame `BatchCodec.encode(ops, compress: true)`, and without compression.
        let frameBytes: Int
        let uncompressedFrameBytes: Int
        let sentBytes: Int
        let intakeGzipBytes: Int
        /// gzip of the canonical stored form (`toJSON()`, compact): no identifiers, no whitespace.
        let canonicalGzipBytes: Int
    }

    /// The body `HubClient` sends for `frame` (the gzip rule above).
    static func bodyAsSent(_ frame: [UInt8]) -> [UInt8] {
        guard frame.count >= HubClient.gzipThreshold else { return frame }
        let packed = Zlib.compress(frame, format: .gzip)
        return packed.count < frame.count ? packed : frame
    }

    static func run(samples: Samples) throws -> [Result] {
        try samples.all.map { sample in
            let store = try WriteBench.nodeStore(mission: samples.mission)
            defer { Bench.remove(store.path) }
            _ = try NodeReports.save(sample.report, store: store, missionFile: NodeReports.throwawayMissionFile(mission: samples.mission))
            let ops = try store.pendingPush(peer: "hub")
            // One push carries them all (a report is far below 500 ops and 256 KiB), so the
            // session's batch splitting does not apply.
            let frame = BatchCodec.encode(ops, compress: true)
            return Result(sample: sample.name, ops: ops.count, frameBytes: frame.count,
                          uncompressedFrameBytes: BatchCodec.encode(ops, compress: false).count, sentBytes: bodyAsSent(frame).count,
                          intakeGzipBytes: Zlib.compress(sample.bytes, format: .gzip).count,
                          canonicalGzipBytes: Zlib.compress(JSON.encodeBytes(sample.report.toJSON()), format: .gzip).count)
        }
    }
}
