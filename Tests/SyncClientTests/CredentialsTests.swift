import Crypto
import Foundation
import SyncClient
import SyncProtocol
import Testing

@Suite struct CredentialsTests {
    func sample() throws -> Credentials {
        Credentials(nodeID: NodeID.random(), privateKey: Ed25519.PrivateKey(), hubURL: try HubURL("https://hub.example.org/"),
                    hubNodeID: NodeID.random(), mission: "MINUSCA",
                    sealingKey: .init(keyID: "k1", publicKey: [UInt8](repeating: 7, count: 32)),
                    caFile: "/etc/fieldsync/ca.pem", pinnedPublicKey: "sha256//AAAA", enrolledAtMilliseconds: 1_763_900_000_000)
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func saveThenLoadRoundTripsWithMode0600AndNoLeftovers() throws {
        let dir = TempDir()
        let original = try sample()
        try original.save(dataDir: dir.path)
        #expect(try mode(Credentials.path(dataDir: dir.path)) == 0o600)
        let loaded = try Credentials.load(dataDir: dir.path)
        #expect(loaded.nodeID == original.nodeID)
        #expect(loaded.privateKey.rawRepresentation == original.privateKey.rawRepresentation)
        #expect(loaded.hubURL.base == "https://hub.example.org")
        #expect(loaded.hubNodeID == original.hubNodeID)
        #expect(loaded.sealingKey == original.sealingKey)
        #expect(loaded.caFile == original.caFile && loaded.pinnedPublicKey == original.pinnedPublicKey)
        #expect(loaded.enrolledAtMilliseconds == original.enrolledAtMilliseconds)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["credentials.json"])
        // Overwriting replaces atomically and keeps the mode.
        var changed = original
        changed.mission = "MONUSCO"
        try changed.save(dataDir: dir.path)
        #expect(try Credentials.load(dataDir: dir.path).mission == "MONUSCO")
        #expect(try mode(Credentials.path(dataDir: dir.path)) == 0o600)
    }

    @Test func aFileOthersCanReadIsRefusedWithTheFix() throws {
        let dir = TempDir()
        try sample().save(dataDir: dir.path)
        let path = Credentials.path(dataDir: dir.path)
        for bad in [0o644, 0o640, 0o604, 0o660] {
            chmod(path, mode_t(bad))
            #expect {
                try Credentials.load(dataDir: dir.path)
            } throws: { error in
                guard let error = error as? SyncClientError else { return false }
                return error.code == .credentialsInsecure && error.message.contains("chmod 600") && error.message.contains(String(bad, radix: 8))
            }
        }
        chmod(path, 0o400)
        #expect(throws: Never.self) { try Credentials.load(dataDir: dir.path) }
    }

    @Test func missingFileMeansNotEnrolled() {
        let dir = TempDir()
        #expect {
            try Credentials.load(dataDir: dir.path)
        } throws: { error in
            (error as? SyncClientError)?.code == .notEnrolled && "\(error)".contains("fieldnode enroll")
        }
    }

    @Test(arguments: [
        ("format", "\"other\""), ("nodeId", "\"A1\""), ("privateKey", "\"00\""), ("hubUrl", "\"ftp://x\""),
        ("enrolledAt", "-1"), ("typo", "1"), ("pinnedPublicKey", "7"),
    ])
    func damagedFilesAreRefused(member: String, value: String) throws {
        let dir = TempDir()
        try sample().save(dataDir: dir.path)
        let path = Credentials.path(dataDir: dir.path)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if let range = text.range(of: "\"\(member)\": ") {
            let end = text[range.upperBound...].firstIndex(where: { $0 == "," || $0 == "\n" }) ?? text.endIndex
            text.replaceSubrange(range.upperBound..<end, with: value)
        } else {
            text = text.replacingOccurrences(of: "{\n", with: "{\n  \"\(member)\": \(value),\n")
        }
        try Array(text.utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        chmod(path, 0o600)
        #expect {
            try Credentials.load(dataDir: dir.path)
        } throws: { error in
            (error as? SyncClientError)?.code == .credentialsInvalid
        }
    }

    @Test func aPublicKeyThatDoesNotMatchTheSeedIsRefused() throws {
        let dir = TempDir()
        let credentials = try sample()
        try credentials.save(dataDir: dir.path)
        let path = Credentials.path(dataDir: dir.path)
        let other = Hex.encode(Ed25519.PrivateKey().publicKey.rawRepresentation)
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: Hex.encode(credentials.privateKey.publicKey.rawRepresentation), with: other)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect { try Credentials.load(dataDir: dir.path) } throws: { "\($0)".contains("publicKey does not match") }
    }

    @Test(arguments: [
        ("https://hub.example.org", "https://hub.example.org", "/v1/push"),
        ("https://hub.example.org///", "https://hub.example.org", "/v1/push"),
        ("HTTPS://gw.example.org:8443/mission-x/", "https://gw.example.org:8443/mission-x", "/mission-x/v1/push"),
        ("http://127.0.0.1:8470", "http://127.0.0.1:8470", "/v1/push"),
        ("http://localhost:1", "http://localhost:1", "/v1/push"),
        ("http://[::1]:9", "http://[::1]:9", "/v1/push"),
    ])
    func hubURLsNormalize(text: String, base: String, path: String) throws {
        let url = try HubURL(text)
        #expect(url.base == base)
        #expect(url.path("push") == path)
        #expect(url.endpoint("push") == base + "/v1/push")
    }

    @Test(arguments: ["hub.example.org", "ftp://hub", "http://hub.example.org", "http://127.evil.example", "http://10.0.0.1",
                      "https://", "https://user:pw@hub", "https://hub/?x=1", "https://hub/#f", "https://h ub"])
    func badHubURLsAreRefused(text: String) {
        #expect { try HubURL(text) } throws: { ($0 as? SyncClientError)?.code == .invalidHubURL }
    }

    @Test func daemonOverridesApplyFieldByField() throws {
        let enrolled = try sample()
        let onlyCA = try DaemonConfiguration(caFile: "/etc/other-ca.pem").applied(to: enrolled)
        #expect(onlyCA.caFile == "/etc/other-ca.pem")
        #expect(onlyCA.pinnedPublicKey == "sha256//AAAA", "setting ca_file must keep the pin from enrollment")
        #expect(onlyCA.hubURL == enrolled.hubURL)
        let moved = try DaemonConfiguration(hubURL: "https://new-hub.example.org", pinnedPublicKey: "sha256//BBBB").applied(to: enrolled)
        #expect(moved.hubURL.base == "https://new-hub.example.org")
        #expect(moved.caFile == enrolled.caFile && moved.pinnedPublicKey == "sha256//BBBB")
        #expect { try DaemonConfiguration(hubURL: "http://hub.example.org").applied(to: enrolled) } throws: {
            ($0 as? SyncClientError)?.code == .invalidHubURL
        }
    }
}
