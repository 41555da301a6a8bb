import Foundation
import Testing

/// `nginx -t` accepts Deploy/nginx/missionhub.conf, included in a throwaway nginx.conf the way
/// Debian's includes sites-enabled/, with a self-signed certificate made by the openssl CLI.
@Suite struct NginxConfigTests {
    private static let available = Tool.nginx != nil && Tool.openssl != nil
    private static let missing = "nginx or openssl is not installed (Debian packages nginx-light, openssl)"

    /// A scratch nginx prefix: a certificate, the site (certificate and log paths moved into the
    /// scratch directory, nothing else changed) and an nginx.conf including it.
    private struct Prefix {
        let scratch: ScratchDirectory
        let configuration: String

        init(site transform: (String) -> String = { $0 }) throws {
            scratch = try ScratchDirectory()
            let dir = scratch.path
            let certificate = try Tool.run(Tool.openssl!, [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "\(dir)/tls.key", "-out", "\(dir)/tls.pem", "-days", "2", "-subj", "/CN=hub.example.org",
            ], in: scratch)
            #expect(certificate.status == 0, "\(certificate.transcript)")
            let site = try DeployFiles.text("nginx/missionhub.conf")
                .replacingOccurrences(of: "/etc/nginx/tls/missionhub.fullchain.pem", with: "\(dir)/tls.pem")
                .replacingOccurrences(of: "/etc/nginx/tls/missionhub.key", with: "\(dir)/tls.key")
                .replacingOccurrences(of: "/var/log/nginx/", with: "\(dir)/")
            try scratch.write("site.conf", transform(site))
            configuration = try scratch.write("nginx.conf", """
                pid \(dir)/nginx.pid;
                error_log \(dir)/error.log;
                events {}
                http {
                    include \(dir)/site.conf;
                }

                """)
        }

        func test() throws -> ProcessResult {
            try Tool.run(Tool.nginx!, ["-t", "-p", scratch.path, "-c", configuration, "-e", scratch.path + "/error.log"],
                         in: scratch)
        }
    }

    @Test(.enabled(if: available, Comment(rawValue: missing)))
    func nginxAcceptsTheSiteWithoutWarnings() throws {
        let result = try Prefix().test()
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.errorOutput.contains("test is successful"), "\(result.transcript)")
        for level in ["[warn]", "[emerg]", "[alert]", "[crit]"] {
            #expect(!result.errorOutput.contains(level), "\(result.transcript)")
        }
    }

    @Test(.enabled(if: available, Comment(rawValue: missing)))
    func nginxRejectsABrokenSite() throws {
        let result = try Prefix { $0.replacingOccurrences(of: "proxy_request_buffering on;", with: "proxy_request_bufering on;") }
            .test()
        #expect(result.status != 0, "\(result.transcript)")
        #expect(result.errorOutput.contains("proxy_request_bufering"), "\(result.transcript)")
    }
}
