import HTTP
import Toolkit

/// How `missionhub serve` runs: defaults, overridden by the config file, overridden by flags.
///
/// Config keys (`--config FILE`, format in `ConfigFile`):
///
/// | key | value | default |
/// |---|---|---|
/// | `listen` | `HOST:PORT` (`[::1]:PORT` for IPv6) | `127.0.0.1:8470` |
/// | `unix_socket` | path of a Unix socket to listen on instead of TCP | — |
/// | `max_body_bytes` | largest request body, on the wire and inflated | 16 777 280 (16 MiB + 64) |
/// | `max_connections` | connections served at once | 256 |
/// | `max_drift_seconds` | skew guard: ops stamped further ahead are quarantined | 300 |
/// | `max_pull_bytes` | largest batch frame in a pull response | 262 144 (256 KiB) |
/// | `data_dir` | the hub's data directory | see `HubCLI` |
/// | `log_level` | `error`, `warning`, `notice`, `info` or `debug` | `info` |
///
/// `listen` and `unix_socket` exclude each other within one source; a flag (`--listen`,
/// `--unix`) replaces whichever the file chose.
public struct HubSettings: Sendable, Equatable {
    /// The spec's largest request body (§12): 16 MiB + 64 bytes.
    public static let protocolMaxBodyBytes = 16 * 1024 * 1024 + 64
    /// The default TCP port.
    public static let defaultPort = 8470
    /// The keys a config file may set.
    public static let configKeys = ["listen", "unix_socket", "max_body_bytes", "max_connections",
                                    "max_drift_seconds", "max_pull_bytes", "data_dir", "log_level"]

    public var address: HTTPServerConfiguration.Address = .tcp(host: "127.0.0.1", port: HubSettings.defaultPort)
    public var maxBodyBytes = HubSettings.protocolMaxBodyBytes
    public var maxConnections = 256
    public var maxDriftSeconds = 300
    public var maxPullBytes = 256 * 1024
    /// Nil: resolved by the usual rules (`MISSIONHUB_DATA_DIR`, `STATE_DIRECTORY`, …).
    public var dataDirectory: String?
    public var logLevel: Logger.Level = .info

    public init() {}

    /// Applies a parsed config file; each bad value is an error naming its line.
    public mutating func apply(_ file: ConfigFile) throws(HubError) {
        if let listen = file["listen"], file["unix_socket"] != nil {
            throw file.invalid(listen, "set either listen or unix_socket, not both")
        }
        if let entry = file["listen"] {
            do throws(HubError) { address = try Self.parseListen(entry.value) } catch { throw file.invalid(entry, error.message) }
        }
        if let entry = file["unix_socket"] {
            guard entry.value.hasPrefix("/") else { throw file.invalid(entry, "give an absolute path") }
            address = .unix(path: entry.value)
        }
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(HubError) -> Int? {
            guard let entry = file[key] else { return nil }
            guard let value = Int(entry.value), range.contains(value) else {
                throw file.invalid(entry, "expected a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return value
        }
        maxBodyBytes = try integer("max_body_bytes", 1024...Self.protocolMaxBodyBytes) ?? maxBodyBytes
        maxConnections = try integer("max_connections", 1...65_536) ?? maxConnections
        maxDriftSeconds = try integer("max_drift_seconds", 1...86_400) ?? maxDriftSeconds
        maxPullBytes = try integer("max_pull_bytes", 1024...16 * 1024 * 1024) ?? maxPullBytes
        if let entry = file["data_dir"] { dataDirectory = entry.value }
        if let entry = file["log_level"] {
            guard let level = Logger.Level(name: entry.value) else {
                throw file.invalid(entry, "expected error, warning, notice, info or debug")
            }
            logLevel = level
        }
    }

    /// `HOST:PORT`, `[IPv6]:PORT`; the host must be numeric or `localhost`.
    public static func parseListen(_ text: String) throws(HubError) -> HTTPServerConfiguration.Address {
        let host: Substring, portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw listenError(text) }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { throw listenError(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { throw listenError(text) }
        return .tcp(host: String(host), port: port)
    }

    private static func listenError(_ text: String) -> HubError {
        HubError(.invalidValue, "'\(text)' is not a listen address",
                 hint: "write HOST:PORT, such as 127.0.0.1:\(defaultPort) or [::1]:\(defaultPort)")
    }

    /// The HTTP server configuration for these settings.
    public var serverConfiguration: HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration(address: address)
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.maxConnections = maxConnections
        return configuration
    }
}
