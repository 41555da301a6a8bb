import Foundation
import Testing

/// `nginx -t` accepts Deploy/nginx/missionhub.conf (see `NginxPrefix`) without a warning.
@Suite struct NginxConfigTests {
    @Test(.enabled(if: NginxPrefix.available, Comment(rawValue: NginxPrefix.missing)))
    func nginxAcceptsTheSiteWithoutWarnings() throws {
        let result = try NginxPrefix().test()
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.errorOutput.contains("test is successful"), "\(result.transcript)")
        for level in ["[warn]", "[emerg]", "[alert]", "[crit]"] {
            #expect(!result.errorOutput.contains(level), "\(result.transcript)")
        }
    }

    @Test(.enabled(if: NginxPrefix.available, Comment(rawValue: NginxPrefix.missing)))
    func nginxRejectsABrokenSite() throws {
        let result = try NginxPrefix { site, _ in site.replacingOccurrences(of: "proxy_request_buffering on;", with: "proxy_request_bufering on;") }
            .test()
        #expect(result.status != 0, "\(result.transcript)")
        #expect(result.errorOutput.contains("proxy_request_bufering"), "\(result.transcript)")
    }
}
