import HTTP
@testable import HubKit
import Testing
import Toolkit

@Suite struct ConfigTests {
    @Test func parsesTheFormat() throws {
        let text = "# hub\r\n\n  listen = 0.0.0.0:9000  \r\nmax_body_bytes=65536\n\t# another comment\ndata_dir = \"/var/lib/hub #1\"\nlog_level = debug\n"
        let file = try ConfigFile.parse(text, path: "hub.conf", knownKeys: HubSettings.configKeys)
        #expect(file.entries.map(\.key) == ["listen", "max_body_bytes", "data_dir", "log_level"])
        #expect(file["listen"]?.line == 3)
        var settings = HubSettings()
        try settings.apply(file)
        #expect(settings.address == .tcp(host: "0.0.0.0", port: 9000))
        #expect(settings.maxBodyBytes == 65_536)
        #expect(settings.dataDirectory == "/var/lib/hub #1")
        #expect(settings.logLevel == .debug)
        #expect(settings.maxConnections == 256 && settings.maxDriftSeconds == 300 && settings.maxPullBytes == 262_144)
    }

    @Test func errorsNameTheLine() {
        let cases: [(String, String)] = [
            ("listen = 1.2.3.4:5\nlisen = x\n", "hub.conf:2: unknown key 'lisen'"),
            ("\nlisten\n", "hub.conf:2: expected `key = value`"),
            ("= 5\n", "hub.conf:1: the key before `=` is empty"),
            ("log_level =\n", "hub.conf:1: 'log_level' has no value"),
            ("max_connections = 5\nmax_connections = 6\n", "hub.conf:2: 'max_connections' is already set on line 1"),
            ("#\nmax_body_bytes = lots\n", "hub.conf:2: max_body_bytes: expected a whole number"),
            ("max_body_bytes = 99999999999\n", "hub.conf:1: max_body_bytes: expected a whole number in 1024…16777280"),
            ("max_drift_seconds = 0\n", "hub.conf:1: max_drift_seconds"),
            ("log_level = loud\n", "hub.conf:1: log_level: expected error, warning"),
            ("listen = localhost\n", "hub.conf:1: listen: 'localhost' is not a listen address"),
            ("listen = 127.0.0.1:70000\n", "hub.conf:1: listen"),
            ("unix_socket = hub.sock\n", "hub.conf:1: unix_socket: give an absolute path"),
            ("unix_socket = /run/hub.sock\nlisten = 127.0.0.1:1\n", "hub.conf:2: listen: set either listen or unix_socket"),
        ]
        for (text, expected) in cases {
            do {
                var settings = HubSettings()
                try settings.apply(try ConfigFile.parse(text, path: "hub.conf", knownKeys: HubSettings.configKeys))
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(error.code == .config, "\(text.debugDescription)")
                #expect(error.message.hasPrefix(expected), "\(error.message)")
            }
        }
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
