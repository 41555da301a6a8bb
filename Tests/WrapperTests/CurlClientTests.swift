import Curl
import Foundation
import Testing
import Zlib

@Suite("Curl: requests and responses over loopback")
struct CurlClientTests {
    @Test func getDeliversStatusHeadersAndBody() async throws {
        let server = try CurlTestServer { _ in
            .respond(status: 200, headers: [("X-Reply", "yes"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
                     body: Array("hello field".utf8))
        }
        defer { server.stop() }
        let client = try HTTPClient(userAgent: "fieldsync-test/1")
        let response = try await client.perform(HTTPRequest(
            method: "GET", url: server.baseURL + "/v1/status?node=abc",
            headers: [HTTPHeader("X-Device", "dev-1"), HTTPHeader("Authorization", "Signature abc==")]))
        #expect(response.status == 200)
        #expect(response.body == Array("hello field".utf8))
        #expect(response.header("x-reply") == "yes")
        #expect(response.header("X-REPLY") == "yes")
        #expect(response.header("content-length") == "11")
        #expect(response.headers.filter { $0.name == "set-cookie" }.map(\.value) == ["a=1", "b=2"])
        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })

        let seen = try #require(server.requests.first)
        #expect(seen.method == "GET")
        #expect(seen.target == "/v1/status?node=abc")
        #expect(seen.header("x-device") == "dev-1")
        #expect(seen.header("authorization") == "Signature abc==")
        #expect(seen.header("user-agent") == "fieldsync-test/1")
        #expect(seen.header("accept-encoding")?.contains("gzip") == true)
        #expect(seen.body.isEmpty)
    }

    @Test func postBodyArrivesByteExact() async throws {
        let server = try CurlTestServer { request in .respond(status: 201, headers: [], body: request.body.reversed()) }
        defer { server.stop() }
        let client = try HTTPClient()
        // Binary, with NULs and CR/LF, and large enough that libcurl would normally send Expect: 100-continue.
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let response = try await client.perform(HTTPRequest(
            method: "POST", url: server.baseURL + "/v1/ops",
            headers: [HTTPHeader("Content-Type", "application/octet-stream")], body: body))
        #expect(response.status == 201)
        #expect(response.body == body.reversed())
        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.body == body)
        #expect(seen.header("content-type") == "application/octet-stream")
        #expect(seen.header("content-length") == "300000")
        #expect(seen.header("expect") == nil)
    }

    @Test func otherMethodsAndEmptyBodies() async throws {
        let server = try CurlTestServer { request in
            .respond(status: 200, headers: [("X-Method", request.method)], body: Array(request.method.utf8))
        }
        defer { server.stop() }
        let client = try HTTPClient()
        let put = try await client.perform(HTTPRequest(method: "PUT", url: server.baseURL + "/x", body: [1, 2, 3]))
        #expect(put.body == Array("PUT".utf8))
        let delete = try await client.perform(HTTPRequest(method: "DELETE", url: server.baseURL + "/x"))
        #expect(delete.body == Array("DELETE".utf8))
        let head = try await client.perform(HTTPRequest(method: "HEAD", url: server.baseURL + "/x"))
        #expect(head.status == 200 && head.body.isEmpty && head.header("x-method") == "HEAD")
        let emptyPost = try await client.perform(HTTPRequest(method: "POST", url: server.baseURL + "/x"))
        #expect(emptyPost.body == Array("POST".utf8))
        let get = try await client.perform(HTTPRequest(method: "GET", url: server.baseURL + "/x"))
        #expect(get.body == Array("GET".utf8))

        let seen = server.requests
        #expect(seen.map(\.method) == ["PUT", "DELETE", "HEAD", "POST", "GET"])
        #expect(seen[0].body == [1, 2, 3])
        #expect(seen[3].body.isEmpty && seen[3].header("content-length") == "0")
        #expect(seen[3].header("content-type") == nil, "no implied form content type")
    }

    @Test func gzipEncodedResponseIsDecoded() async throws {
        let plain = Array(String(repeating: "referral accepted; ", count: 500).utf8)
        let server = try CurlTestServer { request in
            guard request.header("accept-encoding")?.contains("gzip") == true else {
                return .respond(status: 400, headers: [], body: [])
            }
            return .respond(status: 200, headers: [("Content-Encoding", "gzip")], body: Zlib.compress(plain))
        }
        defer { server.stop() }
        let response = try await HTTPClient().perform(HTTPRequest(method: "GET", url: server.baseURL + "/z"))
        #expect(response.status == 200)
        #expect(response.body == plain)
        #expect(response.header("content-encoding") == "gzip")
        #expect(Int(response.header("content-length") ?? "") ?? 0 < plain.count)
    }

    @Test func consecutiveRequestsReuseOneConnection() async throws {
        let server = try CurlTestServer { _ in .respond(status: 204, headers: [], body: []) }
        defer { server.stop() }
        let client = try HTTPClient()
        for _ in 0..<3 {
            #expect(try await client.perform(HTTPRequest(method: "GET", url: server.baseURL + "/ping")).status == 204)
        }
        #expect(server.requests.count == 3)
        #expect(server.connectionCount == 1)
    }

    @Test func redirectsAreReturnedNotFollowed() async throws {
        let server = try CurlTestServer { _ in .respond(status: 302, headers: [("Location", "/elsewhere")], body: []) }
        defer { server.stop() }
        let response = try await HTTPClient().perform(HTTPRequest(method: "GET", url: server.baseURL + "/start"))
        #expect(response.status == 302)
        #expect(response.header("location") == "/elsewhere")
        #expect(server.requests.map(\.target) == ["/start"])
    }

    @Test func serverErrorsAreResponsesNotErrors() async throws {
        let server = try CurlTestServer { _ in .respond(status: 503, headers: [("Retry-After", "30")], body: Array("busy".utf8)) }
        defer { server.stop() }
        let response = try await HTTPClient().perform(HTTPRequest(method: "GET", url: server.baseURL + "/"))
        #expect(response.status == 503)
        #expect(response.header("retry-after") == "30")
    }

    @Test func performBlockingWorksForSynchronousCallers() throws {
        let server = try CurlTestServer { request in .respond(status: 200, headers: [], body: request.body) }
        defer { server.stop() }
        let response = try HTTPClient().performBlocking(HTTPRequest(method: "POST", url: server.baseURL + "/", body: [42]))
        #expect(response.status == 200 && response.body == [42])
    }
}
