import Crypto

/// The signed-request rules of spec §10.2: header names and the exact bytes a node signs.
///
/// Invariants:
/// 1. The base string is ASCII: `FS-SIG-1`, method, path, node id (32 lowercase hex digits),
///    counter (decimal, no leading zeros), SHA-256 of the body (64 lowercase hex digits),
///    joined by single LF (0x0A), with no trailing LF.
/// 2. `path` is the request target exactly as sent, without query string (`/v1/push`).
public enum RequestSigning {
    /// `FS-Protocol`: the protocol version, `1`, on every request and response.
    public static let protocolHeader = "FS-Protocol"
    /// `FS-Node`: the node id, 32 lowercase hex digits.
    public static let nodeHeader = "FS-Node"
    /// `FS-Counter`: the request counter, decimal, strictly increasing per node.
    public static let counterHeader = "FS-Counter"
    /// `FS-Signature`: the Ed25519 signature of the base string, 128 lowercase hex digits.
    public static let signatureHeader = "FS-Signature"
    /// `FS-Hub-Time`: the hub's wall clock in ms since the epoch, on every hub response.
    public static let hubTimeHeader = "FS-Hub-Time"
    /// On every hub response: the hub's epoch, 32 hex digits; it changes only when the hub is
    /// restored from a backup (spec §13.7).
    public static let hubEpochHeader = "FS-Hub-Epoch"
    /// On node requests (optional, informational, not signed): how many of the node's own ops
    /// it holds that the hub has not acknowledged yet, so that `missionhub node list` can show
    /// each laptop's backlog.
    public static let backlogHeader = "FS-Backlog"
    /// The protocol version this module speaks.
    public static let protocolVersion = "1"
    /// The first line of every base string.
    public static let scheme = "FS-SIG-1"

    /// The bytes the node signs with its Ed25519 key and the hub verifies.
    public static func baseString(method: String, path: String, node: NodeID, counter: UInt64, body: [UInt8]) -> [UInt8] {
        let lines = [scheme, method, path, node.hex, String(counter), Hex.encode(SHA256.hash(body))]
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// A counter that survives a restore from backup: above the last one used and above the
    /// wall clock in microseconds (spec §10.2).
    public static func nextCounter(after last: UInt64, wallMilliseconds: UInt64) -> UInt64 {
        max(last &+ 1, wallMilliseconds &* 1000)
    }
}
