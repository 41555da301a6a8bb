import Foundation
import Testing
import Toolkit

/// The commented example configs are read by the real parser (`Toolkit.ConfigFile`) with the
/// key sets the programs accept, so the documentation and the programs cannot drift apart:
/// every setting is documented once, with its meaning and default, and every documented
/// default is a value the parser accepts.
@Suite struct ExampleConfigTests {
    /// The settings `fieldnode daemon --config` accepts.
    static let nodeKeys: Set<String> = ["hub_url", "interval", "max_batch_bytes", "ca_file", "pinned_public_key",
                                        "data_dir", "log_level", "max_drift"]
    /// The settings `missionhub serve --config` accepts.
    static let hubKeys: Set<String> = ["listen", "unix_socket", "max_body_bytes", "max_connections",
                                       "max_connections_per_client", "max_buffered_request_bytes", "max_drift_seconds",
                                       "max_pull_bytes", "max_quarantined_per_node", "data_dir", "log_level", "public_url", "public_ca_file", "public_pin"]
    static let logLevels: Set<String> = ["error", "warning", "notice", "info", "debug"]

    private static let examples: [(file: String, keys: Set<String>)] = [
        ("fieldnode.conf.example", nodeKeys), ("missionhub.conf.example", hubKeys),
    ]

    /// A line that sets something: `key = value`, or the same commented out as `#key = value`
    /// (prose comments start with `# `, so they never match).
    private static func settingKey(_ line: Substring) -> Substring? {
        let body = line.hasPrefix("#") ? line.dropFirst() : line
        guard let first = body.first, first.isLetter, let range = body.range(of: " = ") else { return nil }
        let key = body[..<range.lowerBound]
        return key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? key : nil
    }

    /// The example with every commented-out setting switched on.
    private static func uncommented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            settingKey(line) != nil && line.hasPrefix("#") ? String(line.dropFirst()) : String(line)
        }.joined(separator: "\n")
    }

    private func example(_ file: String, keys: Set<String>, allSettings: Bool) throws -> ConfigFile {
        let text = try DeployFiles.text(file)
        return try ConfigFile.parse(allSettings ? Self.uncommented(text) : text, path: "Deploy/\(file)", allowedKeys: keys)
    }

    @Test func theShippedExamplesParseAndOnlyTheHubSocketIsSet() throws {
        #expect(try example("fieldnode.conf.example", keys: Self.nodeKeys, allSettings: false).keys.isEmpty)
        let hub = try example("missionhub.conf.example", keys: Self.hubKeys, allSettings: false)
        #expect(hub.keys == ["unix_socket"])
        #expect(hub.string("unix_socket") == "/run/fieldsync/missionhub.sock")
    }

    @Test(arguments: examples.map(\.file))
    func everySettingIsDocumentedExactlyOnce(_ file: String) throws {
        let keys = Self.examples.first { $0.file == file }!.keys
        // Parsing rejects unknown and repeated keys; the key list shows none is missing.
        let config = try example(file, keys: keys, allSettings: true)
        #expect(Set(config.keys) == keys, "undocumented: \(keys.subtracting(config.keys).sorted())")
    }

    @Test(arguments: examples.map(\.file))
    func everySettingHasAParagraphGivingItsDefault(_ file: String) throws {
        let lines = try DeployFiles.text(file).split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            guard let key = Self.settingKey(line) else { continue }
            var paragraph: [Substring] = []
            var previous = index - 1
            while previous >= 0, lines[previous].hasPrefix("#"), Self.settingKey(lines[previous]) == nil {
                paragraph.insert(lines[previous], at: 0)
                previous -= 1
            }
            #expect(paragraph.count >= 2, "\(file):\(index + 1): '\(key)' needs a comment saying what it means")
            #expect(paragraph.joined().contains("Default:"), "\(file):\(index + 1): '\(key)' does not state its default")
        }
    }

    @Test func nodeDefaultsAreValidValues() throws {
        let config = try example("fieldnode.conf.example", keys: Self.nodeKeys, allSettings: true)
        #expect(try config.duration("interval") == .seconds(60))
        #expect(try config.int("max_batch_bytes", range: 4096...16_777_216) == 262_144)
        #expect(try config.duration("max_drift") == .seconds(300))
        #expect(config.string("hub_url")?.hasPrefix("https://") == true)
        #expect(config.string("pinned_public_key")?.hasPrefix("sha256//") == true)
        #expect(config.string("ca_file")?.hasPrefix("/etc/fieldsync/") == true)
        #expect(config.string("data_dir") == "/var/lib/fieldsync/node")
        #expect(Self.logLevels.contains(config.string("log_level") ?? ""))
    }

    @Test func hubDefaultsAreValidValues() throws {
        // Both listen and unix_socket are documented; the hub accepts only one at a time,
        // which is its rule, not the format's.
        let config = try example("missionhub.conf.example", keys: Self.hubKeys, allSettings: true)
        #expect(config.string("listen") == "127.0.0.1:8470")
        #expect(try config.int("max_body_bytes", range: 1024...16_777_280) == 16_777_280)
        #expect(try config.int("max_pull_bytes", range: 1024...16_777_216) == 262_144)
        #expect(try config.int("max_connections", range: 1...65_536) == 256)
        #expect(try config.int("max_connections_per_client", range: 0...65_536) == 32)
        #expect(try config.int("max_buffered_request_bytes", range: 1 << 20...1 << 40) == 134_217_728)
        #expect(try config.int("max_drift_seconds", range: 1...86_400) == 300)
        #expect(config.string("data_dir") == "/var/lib/fieldsync/hub")
        #expect(Self.logLevels.contains(config.string("log_level") ?? ""))
    }

    @Test func aKeyTheProgramDoesNotKnowIsCaught() throws {
        var keys = Self.nodeKeys
        keys.remove("max_drift")
        #expect(throws: ConfigError.self) {
            try example("fieldnode.conf.example", keys: keys, allSettings: true)
        }
    }

    /// The arguments of every `name ...;` directive in an nginx file, comments ignored.
    private static func directives(_ name: String, in text: String) -> [String] {
        text.split(separator: "\n").compactMap { raw in
            let line = raw.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix(name + " "), line.hasSuffix(";") else { return nil }
            return line.dropFirst(name.count + 1).dropLast().trimmingCharacters(in: .whitespaces)
        }
    }

    // MARK: Agreement between the hub's config, its unit and nginx

    @Test func hubSocketNginxAndUnitAgree() throws {
        let hub = try example("missionhub.conf.example", keys: Self.hubKeys, allSettings: true)
        let unit = UnitFile(name: "missionhub", text: try DeployFiles.text("missionhub.service"))
        let nginx = try DeployFiles.text("nginx/missionhub.conf")
        let socket = try #require(hub.string("unix_socket"))
        #expect(socket.hasPrefix("/run/\(unit.value("RuntimeDirectory") ?? "-")/"))
        let proxyPasses = Self.directives("proxy_pass", in: nginx)
        #expect(!proxyPasses.isEmpty)
        for target in proxyPasses {
            #expect(target == "http://unix:\(socket):", "nginx proxies to \(target), the hub listens on \(socket)")
        }
        #expect(Self.directives("client_max_body_size", in: nginx) == hub.string("max_body_bytes").map { [$0] },
                "nginx's client_max_body_size must equal the hub's max_body_bytes")
    }
}
