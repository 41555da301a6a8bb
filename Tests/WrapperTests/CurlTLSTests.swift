import Crypto
import Curl
import Foundation
import Testing

/// A throwaway TLS server: a fresh self-signed certificate for IP 127.0.0.1 and
/// `openssl s_server -www` answering on an ephemeral port.
final class CurlTLSFixture {
    static let openssl = "/usr/bin/openssl"
    let directory: URL
    let port: Int
    private let server: Process

    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var url: String { "https://127.0.0.1:\(port)/" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("curltls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = try Self.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", directory.appendingPathComponent("key.pem").path, "-out",
                          directory.appendingPathComponent("cert.pem").path, "-days", "2", "-subj", "/CN=127.0.0.1",
                          "-addext", "subjectAltName=IP:127.0.0.1"])
        server = Process()
        server.executableURL = URL(fileURLWithPath: Self.openssl)
        server.arguments = ["s_server", "-accept", "127.0.0.1:0", "-www",
                            "-cert", directory.appendingPathComponent("cert.pem").path,
                            "-key", directory.appendingPathComponent("key.pem").path]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        // s_server prints "ACCEPT 127.0.0.1:<port>" once it listens.
        var text = ""
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
               let port = Int(line.split(separator: ":").last ?? "") {
                self.port = port
                return
            }
        }
        Self.kill(server)
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "s_server did not report its port: \(text)"])
    }

    deinit {
        Self.kill(server)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The libcurl pin of the server's key, computed independently of libcurl: SHA-256 of the
    /// DER SubjectPublicKeyInfo, base64.
    func pin() throws -> String {
        let pem = try Self.run(["x509", "-in", certificatePath, "-pubkey", "-noout"])
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = try #require(Data(base64Encoded: base64))
        return "sha256//" + Data(SHA256.hash([UInt8](der))).base64EncodedString()
    }

    /// SIGKILL, not `terminate()`: the test runner's blocked SIGTERM is inherited by children.
    static func kill(_ process: Process) {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments[0]) failed"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite("Curl: TLS verification and key pinning",
       .enabled(if: FileManager.default.isExecutableFile(atPath: CurlTLSFixture.openssl)))
struct CurlTLSTests {
    func get(_ fixture: CurlTLSFixture, tls: TLSOptions, url: String? = nil) async -> Result<HTTPResponse, CurlError> {
        do {
            let client = try HTTPClient(tls: tls)
            return .success(try await client.perform(HTTPRequest(method: "GET", url: url ?? fixture.url, timeoutSeconds: 5)))
        } catch {
            return .failure(error)
        }
    }

    @Test func trustedCAWorks() async throws {
        let fixture = try CurlTLSFixture()
        let response = try await get(fixture, tls: TLSOptions(caFile: fixture.certificatePath)).get()
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("<HTML>"))
    }

    @Test func untrustedCertificateIsATLSFailure() async throws {
        let fixture = try CurlTLSFixture()
        guard case .failure(let error) = await get(fixture, tls: TLSOptions()) else {
            Issue.record("self-signed certificate accepted without its CA")
            return
        }
        #expect(error.code == .tlsFailure)
        #expect(error.curlCode == 60)  // CURLE_PEER_FAILED_VERIFICATION
        #expect(!error.isTransient)
    }

    @Test func hostNameMismatchIsATLSFailure() async throws {
        let fixture = try CurlTLSFixture()
        // The certificate names IP 127.0.0.1 only; "localhost" reaches the same server.
        let result = await get(fixture, tls: TLSOptions(caFile: fixture.certificatePath),
                               url: "https://localhost:\(fixture.port)/")
        guard case .failure(let error) = result else {
            Issue.record("certificate accepted for a name it does not carry")
            return
        }
        #expect(error.code == .tlsFailure, "\(error)")
    }

    @Test func matchingPinWorksAndWrongPinIsRefused() async throws {
        let fixture = try CurlTLSFixture()
        let pin = try fixture.pin()
        let ok = try await get(fixture, tls: TLSOptions(caFile: fixture.certificatePath, pinnedPublicKey: pin)).get()
        #expect(ok.status == 200)

        let wrong = "sha256//" + Data(SHA256.hash(Array("another key".utf8))).base64EncodedString()
        guard case .failure(let error) = await get(fixture, tls: TLSOptions(caFile: fixture.certificatePath, pinnedPublicKey: wrong)) else {
            Issue.record("wrong pin accepted")
            return
        }
        #expect(error.code == .pinMismatch)
        #expect(error.curlCode == 90)
        #expect(!error.isTransient)
    }

    @Test func unverifiedModeStillEnforcesThePin() async throws {
        let fixture = try CurlTLSFixture()
        let response = try await get(fixture, tls: TLSOptions(verify: false)).get()
        #expect(response.status == 200)
        let wrong = "sha256//" + Data(SHA256.hash([1])).base64EncodedString()
        guard case .failure(let error) = await get(fixture, tls: TLSOptions(pinnedPublicKey: wrong, verify: false)) else {
            Issue.record("wrong pin accepted with verification off")
            return
        }
        #expect(error.code == .pinMismatch)
    }
}
