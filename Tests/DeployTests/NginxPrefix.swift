import Foundation
import Testing

/// A scratch nginx prefix: a self-signed certificate made by the openssl CLI, the site
/// Deploy/nginx/missionhub.conf (certificate and log paths moved into the scratch directory,
/// then `transform(site, directory)` applied) and an nginx.conf including it, the way Debian's
/// includes sites-enabled/.
struct NginxPrefix {
    static let available = Tool.nginx != nil && Tool.openssl != nil
    static let missing = "nginx or openssl is not installed (Debian packages nginx-light, openssl)"

    let scratch: ScratchDirectory
    let configuration: String

    init(site transform: (_ site: String, _ directory: String) -> String = { site, _ in site }) throws {
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
        try scratch.write("site.conf", transform(site, dir))
        configuration = try scratch.write("nginx.conf", """
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log;
            events {}
            http {
                include \(dir)/site.conf;
            }

            """)
    }

    /// `nginx -t` on this prefix.
    func test() throws -> ProcessResult {
        try Tool.run(Tool.nginx!, arguments(["-t"]), in: scratch)
    }

    /// nginx's arguments for this prefix, after `extra`.
    func arguments(_ extra: [String]) -> [String] {
        extra + ["-p", scratch.path, "-c", configuration, "-e", scratch.path + "/error.log"]
    }
}
