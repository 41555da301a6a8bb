import Testing
@testable import HTTP

@Suite struct HTTPRequestParserErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let code: HTTPParseError.Code
        let status: Int
        var limits = HTTPLimits.default

        var testDescription: String { name }
    }

    static let host = "Host: h\r\n"
    static let small = HTTPLimits(maxRequestLineBytes: 32, maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 8,
                                  maxChunkLineBytes: 16)

    static let cases: [Case] = [
        Case(name: "no version", text: "GET /\r\n\r\n", code: .invalidRequestLine, status: 400),
        Case(name: "double space", text: "GET  / HTTP/1.1\r\n\(host)\r\n", code: .invalidRequestLine, status: 400),
        Case(name: "trailing space", text: "GET / HTTP/1.1 \r\n\(host)\r\n", code: .invalidRequestLine, status: 400),
        Case(name: "method with slash", text: "GE/T / HTTP/1.1\r\n\(host)\r\n", code: .invalidMethod, status: 400),
        Case(name: "lowercase version", text: "GET / http/1.1\r\n\(host)\r\n", code: .invalidVersion, status: 400),
        Case(name: "two-digit minor", text: "GET / HTTP/1.10\r\n\(host)\r\n", code: .invalidVersion, status: 400),
        Case(name: "HTTP/2.0", text: "GET / HTTP/2.0\r\n\(host)\r\n", code: .unsupportedVersion, status: 505),
        Case(name: "HTTP/0.9", text: "GET / HTTP/0.9\r\n\r\n", code: .unsupportedVersion, status: 505),
        Case(name: "relative target", text: "GET v1 HTTP/1.1\r\n\(host)\r\n", code: .invalidTarget, status: 400),
        Case(name: "fragment", text: "GET /a#b HTTP/1.1\r\n\(host)\r\n", code: .invalidTarget, status: 400),
        Case(name: "non-ASCII target", text: "GET /é HTTP/1.1\r\n\(host)\r\n", code: .invalidTarget, status: 400),
        Case(name: "asterisk with GET", text: "GET * HTTP/1.1\r\n\(host)\r\n", code: .invalidTarget, status: 400),
        Case(name: "bare LF request line", text: "GET / HTTP/1.1\n\(host)\r\n", code: .bareLineFeed, status: 400),
        Case(name: "bare LF header", text: "GET / HTTP/1.1\r\nHost: h\n\r\n", code: .bareLineFeed, status: 400),
        Case(name: "bare CR in value", text: "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", code: .invalidHeaderValue, status: 400),
        Case(name: "space in header name", text: "GET / HTTP/1.1\r\n\(host)X Y: z\r\n\r\n", code: .invalidHeaderName, status: 400),
        Case(name: "empty header name", text: "GET / HTTP/1.1\r\n\(host): z\r\n\r\n", code: .invalidHeaderName, status: 400),
        Case(name: "no colon", text: "GET / HTTP/1.1\r\n\(host)Nothing\r\n\r\n", code: .invalidHeaderName, status: 400),
        Case(name: "space before colon", text: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", code: .whitespaceBeforeColon, status: 400),
        Case(name: "obs-fold", text: "GET / HTTP/1.1\r\n\(host)X-A: a\r\n b\r\n\r\n", code: .obsoleteLineFolding, status: 400),
        Case(name: "NUL in value", text: "GET / HTTP/1.1\r\n\(host)X-A: a\u{0}b\r\n\r\n", code: .invalidHeaderValue, status: 400),
        Case(name: "missing Host", text: "GET / HTTP/1.1\r\nX: y\r\n\r\n", code: .missingHost, status: 400),
        Case(name: "two Hosts", text: "GET / HTTP/1.1\r\n\(host)\(host)\r\n", code: .duplicateHost, status: 400),
        Case(name: "conflicting Content-Length",
             text: "POST / HTTP/1.1\r\n\(host)Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
             code: .conflictingContentLength, status: 400),
        Case(name: "conflicting Content-Length list", text: "POST / HTTP/1.1\r\n\(host)Content-Length: 3, 4\r\n\r\nabcd",
             code: .conflictingContentLength, status: 400),
        Case(name: "signed Content-Length", text: "POST / HTTP/1.1\r\n\(host)Content-Length: +3\r\n\r\nabc",
             code: .invalidContentLength, status: 400),
        Case(name: "hex Content-Length", text: "POST / HTTP/1.1\r\n\(host)Content-Length: 0x3\r\n\r\nabc",
             code: .invalidContentLength, status: 400),
        Case(name: "empty Content-Length", text: "POST / HTTP/1.1\r\n\(host)Content-Length:\r\n\r\n",
             code: .invalidContentLength, status: 400),
        Case(name: "CL and TE", text: "POST / HTTP/1.1\r\n\(host)Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
             code: .contentLengthWithTransferEncoding, status: 400),
        Case(name: "TE gzip", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n",
             code: .unsupportedTransferEncoding, status: 501),
        Case(name: "TE chunked twice", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, chunked\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "TE on HTTP/1.0", text: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
             code: .invalidTransferEncoding, status: 400),
        Case(name: "POST without length", text: "POST /v1/push HTTP/1.1\r\n\(host)\r\n", code: .lengthRequired, status: 411),
        Case(name: "PUT without length", text: "PUT /v1/push HTTP/1.1\r\n\(host)\r\n", code: .lengthRequired, status: 411),
        Case(name: "unknown expectation", text: "GET / HTTP/1.1\r\n\(host)Expect: teapot\r\n\r\n",
             code: .unsupportedExpectation, status: 417),
        Case(name: "request line too long", text: "GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\n\(host)\r\n",
             code: .requestLineTooLong, status: 414, limits: small),
        Case(name: "request line too long, no LF yet", text: "GET /\(String(repeating: "a", count: 40))",
             code: .requestLineTooLong, status: 414, limits: small),
        // A line over its limit is too long even when a bare LF ends it: a trickled line fails at
        // byte limit + 2, before its LF arrives, so a whole one must fail the same way.
        Case(name: "request line too long, ended by a bare LF", text: "GET /\(String(repeating: "a", count: 30)) HTTP/1.1\n",
             code: .requestLineTooLong, status: 414, limits: small),
        Case(name: "header line too long, ended by a bare LF", text: "GET / HTTP/1.1\r\nX-A: \(String(repeating: "v", count: 60))\n\r\n",
             code: .headersTooLarge, status: 431, limits: small),
        Case(name: "chunk line too long, ended by a bare LF",
             text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 20))\n",
             code: .invalidChunkSize, status: 400, limits: small),
        Case(name: "request line at the limit, ended by a bare LF", text: "GET /\(String(repeating: "a", count: 18)) HTTP/1.1\n",
             code: .bareLineFeed, status: 400, limits: small),
        Case(name: "headers too large", text: "GET / HTTP/1.1\r\n\(host)X-A: \(String(repeating: "v", count: 60))\r\n\r\n",
             code: .headersTooLarge, status: 431, limits: small),
        Case(name: "too many headers", text: "GET / HTTP/1.1\r\n\(host)A: 1\r\nB: 2\r\nC: 3\r\n\r\n",
             code: .tooManyHeaders, status: 431, limits: small),
        Case(name: "body too large (Content-Length)", text: "POST / HTTP/1.1\r\n\(host)Content-Length: 9\r\n\r\n",
             code: .bodyTooLarge, status: 413, limits: small),
        Case(name: "Content-Length beyond Int", text: "POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999999\r\n\r\n",
             code: .bodyTooLarge, status: 413),
        Case(name: "chunk size not hex", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nzz\r\n",
             code: .invalidChunkSize, status: 400),
        Case(name: "chunk size empty", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n;x\r\n",
             code: .invalidChunkSize, status: 400),
        Case(name: "chunk size junk after digits", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5 x\r\n",
             code: .invalidChunkSize, status: 400),
        Case(name: "chunk line too long", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 20))\r\n",
             code: .invalidChunkSize, status: 400, limits: small),
        Case(name: "chunk oversize", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n9\r\n",
             code: .bodyTooLarge, status: 413, limits: small),
        Case(name: "chunks add up oversize", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n4\r\n",
             code: .bodyTooLarge, status: 413, limits: small),
        Case(name: "chunk size overflow", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFFF\r\n",
             code: .bodyTooLarge, status: 413),
        Case(name: "chunk data without CRLF", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
             code: .missingChunkTerminator, status: 400),
        Case(name: "chunk data with LF only", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n",
             code: .missingChunkTerminator, status: 400),
        Case(name: "last chunk without final CRLF", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nGET / HTTP/1.1\r\n",
             code: .invalidHeaderName, status: 400),
        Case(name: "bad trailer", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
             code: .invalidHeaderName, status: 400),
        Case(name: "trailers too large", text: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nT: \(String(repeating: "t", count: 70))\r\n\r\n",
             code: .trailersTooLarge, status: 431, limits: small),
        Case(name: "too many empty lines", text: "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\(host)\r\n",
             code: .invalidRequestLine, status: 400),
    ]

    @Test(arguments: cases)
    func malformedRequestGetsItsStatus(_ testCase: Case) throws {
        let bytes = Array(testCase.text.utf8)
        let error = try #require(firstError(parse([bytes[...]], limits: testCase.limits)))
        #expect(error.code == testCase.code)
        #expect(error.status == testCase.status)
        #expect(!error.message.isEmpty)
        // The same verdict when the bytes trickle in one at a time.
        let trickled = firstError(parse(bytes.indices.map { bytes[$0...$0] }, limits: testCase.limits))
        #expect(trickled?.code == testCase.code)
    }

    @Test func missingFinalCRLFAtEndOfInputIsTruncated() {
        var parser = HTTPRequestParser()
        parser.feed(ArraySlice("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n".utf8))
        #expect(parser.next() == .needMoreData)
        #expect(parser.inputEnded()?.status == 400)
    }

    @Test func noRequestIsDeliveredBeforeAnError() {
        let actions = parse("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/9.9\r\n\r\n")
        #expect(requests(actions).count == 1)
        #expect(firstError(actions)?.status == 505)
    }

    @Test func everyCodeHasAnErrorStatus() {
        for code in HTTPParseError.Code.allCases {
            #expect((400...599).contains(code.status), "\(code)")
        }
    }
}
