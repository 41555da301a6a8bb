@testable import HTTP

/// Every input of the parser tests, valid and malformed, with the limits it is parsed under:
/// the segmentation test feeds each one whole, byte by byte and in random pieces.
enum ParserCorpus {
    struct Entry: Sendable, CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        var limits = HTTPLimits.default

        init(_ name: String, _ text: String, limits: HTTPLimits = .default) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.limits = limits
        }

        var description: String { name }
    }

    /// Inputs that parse (some end in a partial or bad next request).
    static let valid: [Entry] = [
        Entry("POST with body", HTTPRequestParserTests.post),
        Entry("chunked PUT with trailers", HTTPRequestParserTests.chunked),
        Entry("trimmed header values", "GET / HTTP/1.1\r\nHost:h\r\nX-A: \t a  b \t\r\n\r\n"),
        Entry("pipelined, third partial", "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\n"
              + "Content-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHo"),
        Entry("100-continue before the body", "POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"),
        Entry("absolute form", "GET HTTP://hub:8080/v1/health?q=1 HTTP/1.1\r\nHost: hub\r\n\r\n"),
        Entry("asterisk form", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"),
        Entry("leading empty lines", "\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n"),
        Entry("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n"),
        Entry("zero Content-Length", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"),
        Entry("body at the limit", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789",
              limits: HTTPLimits(maxBodyBytes: 10)),
        Entry("chunked body at the limit",
              "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n",
              limits: HTTPLimits(maxBodyBytes: 10)),
        Entry("repeated equal Content-Length", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2, 02\r\n\r\nok"),
        Entry("truncated chunked request", "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"),
        Entry("one request, then an error", "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/9.9\r\n\r\n"),
        Entry("failed, then more", "BAD\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"),
    ] + HTTPRequestParserTests.keepAliveCases.enumerated().map { Entry("keep-alive case \($0.offset)", $0.element.0) }
      + HTTPRequestParserTests.noContinueTexts.enumerated().map { Entry("no-continue case \($0.offset)", $0.element) }

    /// The malformed inputs of `HTTPRequestParserErrorTests`.
    static let malformed: [Entry] = HTTPRequestParserErrorTests.cases.map { Entry($0.name, $0.text, limits: $0.limits) }

    static let all = valid + malformed
}
