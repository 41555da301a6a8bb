import Foundation
import HTTP
@testable import HubKit
import Testing
import Toolkit

@Suite struct ConfigTests {
    func settings(_ text: String) throws -> HubSettings {
        var settings = HubSettings()
        try settings.apply(try ConfigFile.parse(text, path: "hub.conf", allowedKeys: Set(HubSettings.configKeys)))
        return settings
    }

    @Test func appliesEveryKey() throws {
        let text = "# hub\r\n\n  listen = 0.0.0.0:9000  # public\r\nmax_body_bytes=65536\n\t# another comment\n"
            + "data_dir = \"/var/lib/hub #1\"\nlog_level = debug\nmax_connections = 9\nmax_drift_seconds = 60\nmax_pull_bytes = 2048\n"
            + "max_connections_per_client = 0\nmax_buffered_request_bytes = 2097152\n"
        let settings = try settings(text)
        #expect(settings.address == .tcp(host: "0.0.0.0", port: 9000))
        #expect(settings.maxBodyBytes == 65_536)
        #expect(settings.dataDirectory == "/var/lib/hub #1")
        #expect(settings.logLevel == .debug)
        #expect(settings.maxConnections == 9 && settings.maxDriftSeconds == 60 && settings.maxPullBytes == 2048)
        #expect(settings.maxConnectionsPerClient == 0 && settings.maxBufferedRequestBytes == 2_097_152)
        #expect(settings.serverConfiguration.maxConnectionsPerClient == nil)
        #expect(settings.serverConfiguration.maxBufferedRequestBytes == 2_097_152)
        #expect(try self.settings("unix_socket = /run/fieldsync/missionhub.sock\n").address == .unix(path: "/run/fieldsync/missionhub.sock"))
        let defaults = try self.settings("")
        #expect(defaults == HubSettings())
        #expect(defaults.address == .tcp(host: "127.0.0.1", port: 8470) && defaults.maxBodyBytes == 16_777_280)
        #expect(defaults.maxConnections == 256 && defaults.maxDriftSeconds == 300 && defaults.maxPullBytes == 262_144)
        #expect(defaults.serverConfiguration.maxConnectionsPerClient == 32)
        #expect(defaults.serverConfiguration.maxBufferedRequestBytes == 134_217_728)
    }

    @Test func errorsNameTheLine() {
        let cases: [(String, String)] = [
            ("listen = 1.2.3.4:5\nlisen = x\n", "hub.conf:2: unknown setting 'lisen'"),
            ("\nlisten\n", "hub.conf:2: "),
            ("max_connections = 5\nmax_connections = 6\n", "hub.conf:2: setting 'max_connections' is already set on line 1"),
            ("#\nmax_body_bytes = lots\n", "hub.conf:2: max_body_bytes: expected an integer"),
            ("max_body_bytes = 99999999999\n", "hub.conf:1: max_body_bytes: expected an integer from 1024 to 16777280"),
            ("max_drift_seconds = 0\n", "hub.conf:1: max_drift_seconds"),
            ("log_level = loud\n", "hub.conf:1: log_level: expected error, warning"),
            ("log_level =\n", "hub.conf:1: log_level"),
            ("data_dir = \"\"\n", "hub.conf:1: data_dir: give a directory"),
            ("listen = localhost\n", "hub.conf:1: listen: 'localhost' is not a listen address"),
            ("listen = 127.0.0.1:70000\n", "hub.conf:1: listen"),
            ("unix_socket = hub.sock\n", "hub.conf:1: unix_socket: give an absolute path"),
            ("unix_socket = /run/hub.sock\nlisten = 127.0.0.1:1\n", "hub.conf:2: listen: set either listen or unix_socket"),
        ]
        for (text, expected) in cases {
            do {
                _ = try settings(text)
                Issue.record("accepted \(text.debugDescription)")
            } catch let error as HubError {
                #expect(error.code == .config, "\(text.debugDescription)")
                #expect(error.message.hasPrefix(expected), "\(error.message)")
            } catch {
                #expect(error is ConfigError, "\(text.debugDescription)")
                #expect("\(error)".hasPrefix(expected), "\(error)")
            }
        }
    }

    @Test func onlyRestartSettingsAreNamedOnReload() throws {
        let running = try settings("listen = 127.0.0.1:1\nlog_level = info\n")
        #expect(running.restartRequired(for: try settings("listen = 127.0.0.1:1\nlog_level = debug\n")).isEmpty)
        #expect(running.restartRequired(for: try settings("unix_socket = /run/x.sock\nmax_connections = 3\n")) == ["listen/unix_socket", "max_connections"])
    }

    /// Deploy/missionhub.conf.example as shipped, and with every commented default switched on:
    /// the defaults it documents are this type's defaults.
    @Test func theDeployExampleMatchesTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Deploy/missionhub.conf.example").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try settings(text).address == .unix(path: "/run/fieldsync/missionhub.sock"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            guard line.hasPrefix("#"), let key = line.dropFirst().split(separator: " ").first, HubSettings.configKeys.contains(String(key)),
                  key != "listen", !key.hasPrefix("public_") else { return line }  // public_*: samples, no default
            return line.dropFirst()
        }
        var expected = HubSettings()
        expected.address = .unix(path: "/run/fieldsync/missionhub.sock")
        expected.dataDirectory = "/var/lib/fieldsync/hub"
        #expect(try settings(lines.joined(separator: "\n")) == expected)
    }

    @Test func listenAddresses() throws {
        #expect(try HubSettings.parseListen("127.0.0.1:0") == .tcp(host: "127.0.0.1", port: 0))
        #expect(try HubSettings.parseListen("[::1]:8470") == .tcp(host: "::1", port: 8470))
        for bad in ["", ":80", "::1:80", "[::1]80", "host:", "host:-1", "1.2.3.4"] {
            #expect(throws: HubError.self, "\(bad)") { try HubSettings.parseListen(bad) }
        }
    }

    @Test func flagsOverrideTheFile() throws {
        let dir = temporaryDirectory()
        let path = dir + "/hub.conf"
        try "unix_socket = /run/missionhub/hub.sock\nmax_connections = 8\n".write(toFile: path, atomically: true, encoding: .utf8)
        func settings(_ arguments: [String]) throws -> HubSettings {
            guard case .run(let command) = parseCommandLine(arguments, root: HubCLI.spec, globalOptions: [HubCLI.dataDirOption]) else {
                throw HubError(.internal, "did not parse")
            }
            return try HubCLI.settings(CommandContext(command: command, environment: [:], console: ConsoleCapture().console, clock: { 0 }))
        }
        #expect(try settings(["serve", "--config", path]).address == .unix(path: "/run/missionhub/hub.sock"))
        let overridden = try settings(["serve", "--config", path, "--listen", "127.0.0.1:9"])
        #expect(overridden.address == .tcp(host: "127.0.0.1", port: 9))
        #expect(overridden.maxConnections == 8)
        #expect(try settings(["serve"]).address == .tcp(host: "127.0.0.1", port: 8470))
    }
}

@Suite struct TokenAndCodingTests {
    @Test func tokensAreLongRandomBase32() {
        let tokens = (0..<200).map { _ in EnrollmentToken.generate() }
        #expect(Set(tokens).count == tokens.count)
        for token in tokens {
            #expect(token.count == 32)
            #expect(token.allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
        }
        #expect(EnrollmentToken.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(EnrollmentToken.hash("abcd-efgh ijkl") == EnrollmentToken.hash("ABCDEFGHIJKL"))
        #expect(EnrollmentToken.hash("ABCDEFGHIJKL") != EnrollmentToken.hash("ABCDEFGHIJKM"))
    }

    @Test func responsesAreGzippedOnlyWhenAskedAndUseful() throws {
        let text = Array(String(repeating: "fieldsync ", count: 100).utf8)
        var response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: text)
        ContentCoding.compress(&response, acceptEncoding: "br")
        #expect(response.body == text && response.headers["Content-Encoding"] == nil)
        ContentCoding.compress(&response, acceptEncoding: "gzip")
        #expect(response.headers["Content-Encoding"] == "gzip" && response.headers["Vary"] == "Accept-Encoding")
        #expect(try ContentCoding.gunzip(response.body, maxBytes: 4096) == text)
        var small = HTTPResponse(status: 200, body: Array("ok".utf8))
        ContentCoding.compress(&small, acceptEncoding: "gzip")
        #expect(small.headers["Content-Encoding"] == nil)
        var random = HTTPResponse(status: 200, body: (0..<2048).map { _ in UInt8.random(in: 0...255) })
        ContentCoding.compress(&random, acceptEncoding: "gzip")
        #expect(random.headers["Content-Encoding"] == nil)
    }

    @Test func acceptEncoding() {
        let yes = ["gzip", "br, gzip", "GZIP;q=0.5", "*", "deflate, *;q=0.1", "x-gzip"]
        let no: [String?] = [nil, "", "br", "gzip;q=0", "*;q=0", "gzip;q=0, *", "identity"]
        for value in yes { #expect(ContentCoding.acceptsGzip(value), "\(value)") }
        for value in no { #expect(!ContentCoding.acceptsGzip(value), "\(value ?? "nil")") }
    }
}
