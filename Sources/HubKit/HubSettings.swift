import HTTP
import SyncEngine
import Toolkit

/// How `missionhub serve` runs: defaults, overridden by the config file, overridden by flags.
///
/// Config keys (`--config FILE`, format in `Toolkit.ConfigFile`):
///
/// | key | value | default |
/// |---|---|---|
/// | `listen` | `HOST:PORT` (`[::1]:PORT` for IPv6) | `127.0.0.1:8470` |
/// | `unix_socket` | path of a Unix socket to listen on instead of TCP | — |
/// | `max_body_bytes` | largest request body, on the wire and inflated | 16 777 280 (16 MiB + 64) |
/// | `max_connections` | connections served at once | 256 |
/// | `max_connections_per_client` | connections served at once from one TCP client address (IPv6: one /64); 0: no cap | 32 |
/// | `max_buffered_request_bytes` | request bytes held at once across all connections | 134 217 728 (128 MiB) |
/// | `max_drift_seconds` | skew guard: ops stamped further ahead are quarantined | 300 |
/// | `max_quarantined_per_node` | changes one laptop may have held in quarantine; beyond, its pushes get `rate_limited` | 10 000 |
/// | `max_pull_bytes` | largest batch frame in a pull response | 262 144 (256 KiB) |
/// | `data_dir` | the hub's data directory | see `HubCLI` |
/// | `log_level` | `error`, `warning`, `notice`, `info` or `debug` | `info` |
/// | `public_url` | the address laptops use (printed by `node enroll`) | — |
/// | `public_ca_file` | the CA bundle laptops must trust (printed as `--ca-file`) | — |
/// | `public_pin` | the key pin laptops check (printed as `--pin`) | — |
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
                                    "max_connections_per_client", "max_buffered_request_bytes",
                                    "max_drift_seconds", "max_quarantined_per_node", "max_pull_bytes", "data_dir", "log_level",
                                    "public_url", "public_ca_file", "public_pin"]

    public var address: HTTPServerConfiguration.Address = .tcp(host: "127.0.0.1", port: HubSettings.defaultPort)
    public var maxBodyBytes = HubSettings.protocolMaxBodyBytes
    public var maxConnections = 256
    /// 0: no per-client cap (behind a proxy on TCP, where every client is the proxy).
    public var maxConnectionsPerClient = 32
    public var maxBufferedRequestBytes = 128 * 1024 * 1024
    public var maxDriftSeconds = 300
    public var maxQuarantinedPerNode = StoreOptions.defaultMaxQuarantinedPerOrigin
    public var maxPullBytes = 256 * 1024
    /// Nil: resolved by the usual rules (`MISSIONHUB_DATA_DIR`, `STATE_DIRECTORY`, …).
    public var dataDirectory: String?
    public var logLevel: Logger.Level = .info
    /// What `node enroll` prints for the laptop's `fieldnode enroll` (not used by `serve`).
    public var publicURL: String?
    public var publicCAFile: String?
    public var publicPin: String?

    public init() {}

    /// Applies a config file (`Toolkit.ConfigFile`, loaded with `configKeys`); each bad value
    /// is an error naming its line.
    public mutating func apply(_ file: ConfigFile) throws(HubError) {
        do {
            try applyChecked(file)
        } catch {
            throw HubError(.config, error.description, hint: error.cliError.hint ?? "fix that line of the config file")
        }
    }

    private mutating func applyChecked(_ file: ConfigFile) throws(ConfigError) {
        func invalid(_ key: String, _ message: String) -> ConfigError {
            ConfigError(code: .invalidValue, path: file.path, line: file.line(key), message: "\(key): \(message)")
        }
        if file.string("listen") != nil, file.string("unix_socket") != nil {
            throw invalid("listen", "set either listen or unix_socket, not both")
        }
        if let listen = file.string("listen") {
            do throws(HubError) {
                address = try Self.parseListen(listen)
            } catch {
                throw invalid("listen", "\(error.message); \(error.hint ?? "")")
            }
        }
        if let path = file.string("unix_socket") {
            guard path.hasPrefix("/") else { throw invalid("unix_socket", "give an absolute path, got '\(path)'") }
            address = .unix(path: path)
        }
        maxBodyBytes = try file.int("max_body_bytes", range: 1024...Self.protocolMaxBodyBytes) ?? maxBodyBytes
        maxConnections = try file.int("max_connections", range: 1...65_536) ?? maxConnections
        maxConnectionsPerClient = try file.int("max_connections_per_client", range: 0...65_536) ?? maxConnectionsPerClient
        maxBufferedRequestBytes = try file.int("max_buffered_request_bytes", range: 1 << 20...1 << 40) ?? maxBufferedRequestBytes
        maxDriftSeconds = try file.int("max_drift_seconds", range: 1...86_400) ?? maxDriftSeconds
        maxQuarantinedPerNode = try file.int("max_quarantined_per_node", range: 1...10_000_000) ?? maxQuarantinedPerNode
        maxPullBytes = try file.int("max_pull_bytes", range: 1024...16 * 1024 * 1024) ?? maxPullBytes
        if let directory = file.string("data_dir") {
            guard !directory.isEmpty else { throw invalid("data_dir", "give a directory, or remove the line") }
            dataDirectory = directory
        }
        if let url = file.string("public_url") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.utf8.count > 8, !url.contains(" ") else {
                throw invalid("public_url", "give the address laptops use, such as https://hub.minusca.example, got '\(url)'")
            }
            publicURL = url
        }
        publicCAFile = file.string("public_ca_file") ?? publicCAFile
        if let pin = file.string("public_pin") {
            guard pin.hasPrefix("sha256//") else { throw invalid("public_pin", "give sha256//BASE64 (curl's pin format), got '\(pin)'") }
            publicPin = pin
        }
        if let name = file.string("log_level") {
            guard let level = Logger.Level(name: name) else {
                throw invalid("log_level", "expected error, warning, notice, info or debug, got '\(name)'")
            }
            logLevel = level
        }
    }

    /// Loads `path` and applies it over these settings.
    public mutating func load(configFile path: String) throws(HubError) {
        let file: ConfigFile
        do {
            file = try ConfigFile.load(path: path, allowedKeys: Set(Self.configKeys))
        } catch {
            throw HubError(.config, error.description, hint: error.cliError.hint ?? "fix that line of the config file")
        }
        try apply(file)
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

    /// The config keys whose values differ in `new` and that take effect only on a restart
    /// (everything but `log_level`).
    public func restartRequired(for new: HubSettings) -> [String] {
        var keys: [String] = []
        if new.address != address { keys.append(new.address.isUnix || address.isUnix ? "listen/unix_socket" : "listen") }
        if new.maxBodyBytes != maxBodyBytes { keys.append("max_body_bytes") }
        if new.maxConnections != maxConnections { keys.append("max_connections") }
        if new.maxConnectionsPerClient != maxConnectionsPerClient { keys.append("max_connections_per_client") }
        if new.maxBufferedRequestBytes != maxBufferedRequestBytes { keys.append("max_buffered_request_bytes") }
        if new.maxDriftSeconds != maxDriftSeconds { keys.append("max_drift_seconds") }
        if new.maxQuarantinedPerNode != maxQuarantinedPerNode { keys.append("max_quarantined_per_node") }
        if new.maxPullBytes != maxPullBytes { keys.append("max_pull_bytes") }
        if new.dataDirectory != dataDirectory { keys.append("data_dir") }
        return keys
    }

    /// The HTTP server configuration for these settings.
    public var serverConfiguration: HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration(address: address)
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.maxConnections = maxConnections
        configuration.maxConnectionsPerClient = maxConnectionsPerClient == 0 ? nil : maxConnectionsPerClient
        configuration.maxBufferedRequestBytes = maxBufferedRequestBytes
        return configuration
    }
}

extension HTTPServerConfiguration.Address {
    var isUnix: Bool {
        if case .unix = self { return true }
        return false
    }
}
