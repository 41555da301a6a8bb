import Curl
import Foundation
import Testing

@Suite("Curl: failures, limits and cancellation")
struct CurlFailureTests {
    /// Runs `body`, expecting a `CurlError`, and returns it with the elapsed seconds.
    func expectCurlError(
        _ body: () async throws -> HTTPResponse
    ) async -> (error: CurlError?, seconds: Double) {
        let start = Date()
        do {
            let response = try await body()
            Issue.record("expected an error, got status \(response.status)")
        } catch let error as CurlError {
            return (error, Date().timeIntervalSince(start))
        } catch {
            Issue.record("expected a CurlError, got \(error)")
        }
        return (nil, Date().timeIntervalSince(start))
    }

    /// Seconds between the stalled request's arrival and the client closing the connection.
    static func stallSeconds(_ server: CurlTestServer) async throws -> Double {
        let arrived = try #require(server.requests.first).receivedAt
        let closed = try #require(await server.firstStallEnd())
        return closed.timeIntervalSince(arrived)
    }

    @Test func closedPortIsCouldNotConnectAndTransient() async throws {
        let port = try CurlTestServer.closedPort()
        let (error, _) = await expectCurlError {
            try await HTTPClient().perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/", connectTimeoutSeconds: 2))
        }
        #expect(error?.code == .couldNotConnect)
        #expect(error?.curlCode == 7)
        #expect(error?.isTransient == true)
        #expect(error?.message.isEmpty == false)
    }

    @Test func silentServerTimesOutWithinConfiguredSeconds() async throws {
        let server = try CurlTestServer { _ in .stall }
        defer { server.stop() }
        let (error, _) = await expectCurlError {
            try await HTTPClient().perform(HTTPRequest(method: "GET", url: server.baseURL + "/slow", timeoutSeconds: 1))
        }
        #expect(error?.code == .timedOut)
        #expect(error?.curlCode == 28)
        #expect(error?.isTransient == true)
        // From the request's arrival to the client hanging up, timed by the server.
        let seconds = try await Self.stallSeconds(server)
        #expect(seconds >= 0.8 && seconds < 1.5, "gave up after \(seconds) s with a 1 s timeout")
    }

    @Test func lowSpeedLimitCatchesAStalledLink() async throws {
        let server = try CurlTestServer { _ in .stall }
        defer { server.stop() }
        let (error, _) = await expectCurlError {
            try await HTTPClient().perform(HTTPRequest(
                method: "GET", url: server.baseURL + "/", timeoutSeconds: 30,
                lowSpeedLimitBytesPerSecond: 1000, lowSpeedTimeSeconds: 1))
        }
        #expect(error?.code == .timedOut)
        let seconds = try await Self.stallSeconds(server)
        #expect(seconds < 2.5, "low-speed abort took \(seconds) s")
    }

    @Test func endlessBodyStopsAtTheCap() async throws {
        let server = try CurlTestServer { _ in .endless(totalBytes: 8 << 20) }
        defer { server.stop() }
        let (error, _) = await expectCurlError {
            try await HTTPClient(maxResponseBytes: 1 << 20).perform(HTTPRequest(method: "GET", url: server.baseURL + "/big"))
        }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.isTransient == false)
    }

    @Test func declaredOversizeBodyIsRefusedUpFront() async throws {
        let server = try CurlTestServer { _ in .respond(status: 200, headers: [], body: [UInt8](repeating: 1, count: 2000)) }
        defer { server.stop() }
        let (error, _) = await expectCurlError {
            try await HTTPClient(maxResponseBytes: 1000).perform(HTTPRequest(method: "GET", url: server.baseURL + "/"))
        }
        #expect(error?.code == .responseTooLarge)
        // Exactly at the cap is fine.
        let exact = try await HTTPClient(maxResponseBytes: 2000).perform(HTTPRequest(method: "GET", url: server.baseURL + "/"))
        #expect(exact.body.count == 2000)
    }

    @Test func connectionClosedMidBodyIsReceiveFailed() async throws {
        let server = try CurlTestServer { _ in
            .rawThenClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".utf8) + [UInt8](repeating: 0x42, count: 100))
        }
        defer { server.stop() }
        let (error, _) = await expectCurlError {
            try await HTTPClient().perform(HTTPRequest(method: "GET", url: server.baseURL + "/cut"))
        }
        #expect(error?.code == .receiveFailed)
        #expect(error?.curlCode == 18)  // CURLE_PARTIAL_FILE
        #expect(error?.isTransient == true)
    }

    @Test func emptyReplyIsReceiveFailed() async throws {
        let server = try CurlTestServer { _ in .rawThenClose([]) }
        defer { server.stop() }
        let (error, _) = await expectCurlError {
            try await HTTPClient().perform(HTTPRequest(method: "GET", url: server.baseURL + "/"))
        }
        #expect(error?.code == .receiveFailed)
        #expect(error?.isTransient == true)
    }

    @Test func cancellingTheTaskAbortsPromptly() async throws {
        let server = try CurlTestServer { _ in .stall }
        defer { server.stop() }
        let client = try HTTPClient()
        let task = Task {
            try await client.perform(HTTPRequest(method: "GET", url: server.baseURL + "/slow", timeoutSeconds: 30))
        }
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = Date()
        task.cancel()
        let result = await task.result
        guard case .failure(let failure) = result, let error = failure as? CurlError else {
            Issue.record("cancelled transfer did not fail with a CurlError: \(result)")
            return
        }
        #expect(error.code == .aborted)
        #expect(error.isTransient == false)
        // From cancel() to the client hanging up, as the server saw it.
        let hangUp = try #require(await server.firstStallEnd())
        let seconds = hangUp.timeIntervalSince(cancelledAt)
        #expect(seconds < 2, "abort took \(seconds) s")

        // The client stays usable after an abort.
        let again = try CurlTestServer { _ in .respond(status: 200, headers: [], body: [1]) }
        defer { again.stop() }
        #expect(try await client.perform(HTTPRequest(method: "GET", url: again.baseURL + "/")).body == [1])
    }

    @Test func alreadyCancelledTaskNeverSends() async throws {
        let server = try CurlTestServer { _ in .respond(status: 200, headers: [], body: []) }
        defer { server.stop() }
        let client = try HTTPClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.perform(HTTPRequest(method: "GET", url: server.baseURL + "/"))
        }
        let result = await task.result
        guard case .failure(let failure) = result, let error = failure as? CurlError else {
            Issue.record("cancelled task did not fail with a CurlError: \(result)")
            return
        }
        #expect(error.code == .aborted)
        #expect(server.requests.isEmpty)
    }

    @Test("invalid requests are refused before sending", arguments: [
        HTTPRequest(method: "GET", url: "ftp://127.0.0.1/file"),
        HTTPRequest(method: "GET", url: "file:///etc/passwd"),
        HTTPRequest(method: "GET", url: "not a url"),
        HTTPRequest(method: "GE T", url: "http://127.0.0.1/"),
        HTTPRequest(method: "", url: "http://127.0.0.1/"),
        HTTPRequest(method: "GET", url: "http://127.0.0.1/", headers: [HTTPHeader("X-A", "1\r\nX-Injected: 2")]),
        HTTPRequest(method: "GET", url: "http://127.0.0.1/", headers: [HTTPHeader("Bad Name", "1")]),
        HTTPRequest(method: "GET", url: "http://127.0.0.1/", timeoutSeconds: 0),
    ])
    func invalidRequests(request: HTTPRequest) async throws {
        let (error, _) = await expectCurlError { try await HTTPClient().perform(request) }
        #expect(error?.code == .invalidRequest, "\(request.method) \(request.url): \(String(describing: error))")
        #expect(error?.isTransient == false)
    }

    @Test func errorsNeverShowCredentialsOrQuery() async throws {
        let port = try CurlTestServer.closedPort()
        let (error, _) = await expectCurlError {
            try await HTTPClient().perform(HTTPRequest(method: "GET", url: "http://user:secret@127.0.0.1:\(port)/p?token=abc#f"))
        }
        let text = try #require(error).description
        #expect(!text.contains("secret") && !text.contains("token=abc"))
        #expect(text.contains("http://127.0.0.1:\(port)/p"))
    }
}
