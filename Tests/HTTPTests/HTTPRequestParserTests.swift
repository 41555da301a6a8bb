import Testing
@testable import HTTP

@Suite struct HTTPRequestParserTests {
    static let post = "POST /v1/push?batch=3&x=y HTTP/1.1\r\nHost: hub.example\r\nContent-Type: application/json\r\n"
        + "Content-Length: 13\r\nX-Multi: a\r\nx-multi: b\r\n\r\n{\"ops\":[1,2]}"
    static let chunked = "PUT /v1/pull HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\nhello\r\n7\r\n, world\r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"

    @Test func parsesACompleteRequest() throws {
        let all = requests(parse(Self.post))
        #expect(all.count == 1)
        let request = try #require(all.first)
        #expect(request.method == "POST")
        #expect(request.target == "/v1/push?batch=3&x=y")
        #expect(request.path == "/v1/push")
        #expect(request.query == "batch=3&x=y")
        #expect(request.version == .http1_1)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["HOST"] == "hub.example")
        #expect(request.headers.values(for: "X-MULTI") == ["a", "b"])
        #expect(request.body == Array("{\"ops\":[1,2]}".utf8))
        #expect(request.keepAlive)
    }

    @Test func trimsHeaderValuesAndKeepsInnerSpaces() throws {
        let request = try #require(requests(parse("GET / HTTP/1.1\r\nHost:h\r\nX-A: \t a  b \t\r\n\r\n")).first)
        #expect(request.headers["x-a"] == "a  b")
        #expect(request.headers["host"] == "h")
    }

    @Test func byteByByteAndRandomSplitsYieldTheSameRequest() throws {
        let seed = testSeed("byteByByteAndRandomSplitsYieldTheSameRequest")
        var generator = SeededGenerator(seed: seed)
        for text in [Self.post, Self.chunked] {
            let bytes = Array(text.utf8)
            let whole = requests(parse([bytes[...]]))
            #expect(whole.count == 1)
            let byteByByte = requests(parse(bytes.indices.map { bytes[$0...$0] }))
            #expect(byteByByte == whole)
            for _ in 0..<200 {
                let split = requests(parse(randomSplits(bytes, maxPiece: 17, using: &generator)))
                #expect(split == whole, "HTTP_SEED=\(seed)")
            }
        }
    }

    @Test func decodesChunkedBodiesAndDiscardsTrailers() throws {
        let request = try #require(requests(parse(Self.chunked)).first)
        #expect(String(decoding: request.body, as: UTF8.self) == "hello, world0123456789")
        #expect(request.headers["x-trailer"] == nil)
        #expect(request.method == "PUT")
    }

    @Test func pipelinedRequestsComeOutInOrderAndLeftoversStayBuffered() throws {
        let first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
        let second = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"
        let partialThird = "GET /c HTTP/1.1\r\nHo"
        var parser = HTTPRequestParser()
        parser.feed(ArraySlice((first + second + partialThird).utf8))
        guard case .request(let a) = parser.next(), case .request(let b) = parser.next() else {
            Issue.record("expected two requests")
            return
        }
        #expect(a.path == "/a")
        #expect(b.path == "/b" && b.body == Array("hi".utf8))
        #expect(parser.next() == .needMoreData)
        // The third request line is consumed; only the unfinished header line stays buffered.
        #expect(parser.bufferedByteCount == 2)
        #expect(parser.isReadingHead)
        parser.feed(ArraySlice("st: h\r\n\r\n".utf8))
        guard case .request(let c) = parser.next() else {
            Issue.record("expected the third request")
            return
        }
        #expect(c.path == "/c")
        #expect(parser.isIdle)
    }

    static let keepAliveCases: [(String, Bool)] = [
        ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", false),
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
    ]

    @Test func keepAliveFollowsVersionAndConnectionHeader() throws {
        for (text, expected) in Self.keepAliveCases {
            let request = try #require(requests(parse(text)).first, "\(text)")
            #expect(request.keepAlive == expected, "\(text)")
        }
    }

    static let noContinueTexts = [
        "POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
        "POST /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz",
    ]

    @Test func expectContinueIsAnnouncedBeforeTheBodyOnly() throws {
        var parser = HTTPRequestParser()
        parser.feed(ArraySlice("POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        #expect(parser.next() == .sendContinue)
        #expect(parser.next() == .needMoreData)
        parser.feed(ArraySlice("abc".utf8))
        guard case .request(let request) = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(request.body == Array("abc".utf8))
        // Body already there: no 100 Continue. No body: none either. HTTP/1.0: Expect ignored.
        for text in Self.noContinueTexts {
            let actions = parse(text)
            #expect(!actions.contains(.sendContinue), "\(text)")
            #expect(requests(actions).count == 1, "\(text)")
        }
    }

    @Test func targetsInOtherFormsAndLeadingEmptyLines() throws {
        let absolute = try #require(requests(parse("GET HTTP://hub:8080/v1/health?q=1 HTTP/1.1\r\nHost: hub\r\n\r\n")).first)
        #expect(absolute.path == "/v1/health" && absolute.query == "q=1")
        let asterisk = try #require(requests(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")).first)
        #expect(asterisk.path == "/" && asterisk.target == "*")
        let leading = try #require(requests(parse("\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n")).first)
        #expect(leading.path == "/x" && leading.query == nil)
        let minor = try #require(requests(parse("GET / HTTP/1.2\r\nHost: h\r\n\r\n")).first)
        #expect(minor.version == HTTPVersion(major: 1, minor: 2) && minor.keepAlive)
    }

    @Test func zeroLengthBodiesAndBodiesAtTheLimit() throws {
        let limits = HTTPLimits(maxBodyBytes: 10)
        let empty = try #require(requests(parse("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")).first)
        #expect(empty.body.isEmpty)
        let full = try #require(requests(parse("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789",
                                               limits: limits)).first)
        #expect(full.body.count == 10)
        let chunkedFull = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"
        #expect(requests(parse(chunkedFull, limits: limits)).first?.body.count == 10)
        let repeated = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2, 02\r\n\r\nok"
        #expect(requests(parse(repeated)).first?.body == Array("ok".utf8))
    }

    @Test func endOfInputIsCleanOnlyBetweenRequests() {
        var parser = HTTPRequestParser()
        #expect(parser.inputEnded() == nil)
        parser.feed(ArraySlice("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n".utf8))
        #expect(parser.next() == .needMoreData)
        #expect(parser.inputEnded()?.code == .truncatedRequest)
        #expect(firstError([parser.next()])?.code == .truncatedRequest)
    }

    @Test func aFailedParserStaysFailed() {
        var parser = HTTPRequestParser()
        parser.feed(ArraySlice("BAD\r\n".utf8))
        let first = parser.next()
        parser.feed(ArraySlice("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(parser.next() == first)
        #expect(firstError([first])?.code == .invalidRequestLine)
    }

    @Test func trickledHeadersParseInLinearTime() {
        // 16 000 header bytes one at a time: a quadratic rescan would take seconds.
        var text = "GET / HTTP/1.1\r\nHost: h\r\n"
        while text.utf8.count < 15_900 { text += "X-Pad: \(String(repeating: "p", count: 300))\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(requests(parse(bytes.indices.map { bytes[$0...$0] })).count == 1)
        }
        #expect(elapsed < .seconds(2))
    }
}
