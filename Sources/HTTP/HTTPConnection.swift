import Dispatch
import Glibc
import Toolkit

/// Serves one accepted connection: reads, parses, calls the responder, writes, in order.
///
/// Invariants:
/// 1. One request at a time: the next pipelined request is parsed only after the previous
///    response is written, so responses leave in request order and a client that pipelines
///    without reading is slowed by TCP, not buffered without bound.
/// 2. Every wait has a deadline: head (`headerTimeout` from its first byte, or from accept for
///    the first request), idle keep-alive (`idleTimeout`), body progress (`bodyTimeout`) and
///    body rate (`minBodyBytesPerSecond` in every `bodyTimeout`, see `BodyPace`),
///    writes (`writeTimeout`), lingering (`lingerTimeout`). No client holds a slot for ever.
/// 3. After an error answer the connection half-closes and lingers, reading and discarding, so
///    the client sees the answer rather than a reset from unread bytes.
/// 4. Internal error text never reaches the wire, nor the log: a responder's unexpected error is
///    logged by its type with the request id.
/// 5. Every response the connection makes up itself (parse error, 408, 503 over a cap or the
///    byte budget, 500 for a responder's unexpected error) comes from
///    `configuration.generatedErrorResponder`.
/// 6. Every byte read is charged to the server's `RequestByteBudget` before the parser sees it,
///    and stays charged while the parser buffers it or the request it belongs to is being
///    answered (its body, until the response is written); a read that would pass the budget is
///    answered 503 (`bufferLimit`) and the connection closed. The charge follows what the
///    parser holds: framing it consumed (chunk-size lines, trailers) is released at once.
struct HTTPConnection {
    let waiter: DescriptorWaiter
    let peer: HTTPPeerAddress
    let id: UInt64
    let acceptedAt: DispatchTime
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let registry: ConnectionRegistry
    let budget: RequestByteBudget
    let log: Logger

    private enum ReadOutcome {
        case bytes(Int)
        case endOfStream
        case timedOut
        case stopped
        case failed(SystemErrno)
    }

    private var fd: Int32 { waiter.fd }

    /// Reads 64 KiB at a time: large enough for bodies, small enough for 256 connections.
    static let readSize = 64 * 1024

    /// Serves requests until the peer leaves, an error or timeout ends it, or the server drains.
    func serve() async {
        var share = BudgetShare(budget: budget)
        defer {
            share.releaseAll()
            waiter.close()
        }
        var parser = HTTPRequestParser(limits: configuration.limits)
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        var headStarted = acceptedAt
        var served = 0
        var pace = BodyPace(timeout: configuration.bodyTimeout, minBytesPerSecond: configuration.minBodyBytesPerSecond)
        /// Frees what the parser holds and returns the charge before answering an error and
        /// lingering (up to `lingerTimeout`), so no uncharged memory outlives the refusal.
        func answerEmptyHanded(_ error: HTTPServerGeneratedError) async {
            parser = HTTPRequestParser(limits: configuration.limits)
            share.releaseAll()
            await answerAndClose(error)
        }
        while true {
            switch parser.next() {
            case .needMoreData:
                share.settle(holding: parser.heldByteCount)
                let idle = parser.isIdle
                let deadline: DispatchTime
                if parser.isReadingHead || (idle && served == 0) {
                    deadline = headStarted + configuration.headerTimeout.dispatchInterval
                } else if idle {
                    deadline = configuration.idleTimeout.fromNow
                } else {
                    deadline = pace.deadline(now: .now())
                }
                switch await read(into: &buffer, deadline: deadline, drainable: idle) {
                case .bytes(let count):
                    if idle, served > 0 { headStarted = .now() }
                    guard share.reserve(count) else {
                        log.warning("request byte budget exhausted; answering 503", metadata([
                            "limit": String(budget.limit), "reading": parser.isReadingHead || idle ? "head" : "body",
                        ]))
                        return await answerEmptyHanded(.bufferLimit)
                    }
                    pace.add(count, now: .now())
                    parser.feed(buffer[0..<count])
                case .endOfStream:
                    if let error = parser.inputEnded() { debug("connection ended mid-request", ["reason": error.code.rawValue]) }
                    return
                case .timedOut:
                    guard !idle else { return debug("idle connection timed out") }
                    let part: HTTPServerGeneratedError.RequestPart = parser.isReadingHead ? .head : .body
                    debug("request timed out", ["reading": part.rawValue])
                    return await answerEmptyHanded(.requestTimeout(part))
                case .stopped:
                    return
                case .failed(let error):
                    return debug("read failed", ["errno": error.name])
                }
            case .sendContinue:
                guard await write(HTTPResponse.continueBytes) else { return }
            case .request(let request):
                served += 1
                pace.reset()
                share.settle(holding: parser.heldByteCount + request.body.count)
                guard await handle(request) else { return }
                headStarted = .now()
            case .error(let error):
                log.info("rejected malformed request", metadata(["status": String(error.status), "reason": error.code.rawValue]))
                return await answerEmptyHanded(.malformedRequest(error))
            }
        }
    }

    /// Answers a connection over a cap (`connectionLimit`, `clientConnectionLimit`) with 503
    /// and closes it.
    func reject(_ cap: HTTPServerGeneratedError) async {
        defer { waiter.close() }
        await answerAndClose(cap)
    }

    /// Runs the responder and writes its answer; true when the connection stays open.
    private func handle(_ request: HTTPRequest) async -> Bool {
        let context = RequestContext(requestID: RequestContext.makeRequestID(), peer: peer, connectionID: id)
        let response: HTTPResponse
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = error.response()
        } catch {
            // The error's type only: its text might quote what the request carried.
            log.error("request failed", metadata([
                "request_id": context.requestID, "method": request.method, "path": request.path,
                "error": String(describing: type(of: error)),
            ]))
            response = configuration.generatedErrorResponder(.responderFailed)
        }
        let keepAlive = request.keepAlive && !response.requestsClose && !registry.isDraining
        let bytes = serialize(response, keepAlive: keepAlive, peerVersion: request.version,
                              isHeadRequest: request.method == "HEAD", about: ["request_id": context.requestID])
        log.debug("request served", metadata([
            "request_id": context.requestID, "method": request.method, "path": request.path,
            "status": String(response.status),
        ]))
        guard await write(bytes) else { return false }
        return keepAlive
    }

    /// Writes the configured response for a server-generated error with `Connection: close`,
    /// half-closes and lingers.
    private func answerAndClose(_ error: HTTPServerGeneratedError) async {
        let response = configuration.generatedErrorResponder(error)
        guard await write(serialize(response, keepAlive: false, about: ["generated": error.description])) else { return }
        await linger()
    }

    /// The wire form of `response`; header fields it had to drop are logged with `about`.
    private func serialize(_ response: HTTPResponse, keepAlive: Bool, peerVersion: HTTPVersion = .http1_1,
                           isHeadRequest: Bool = false, about: [String: String]) -> [UInt8] {
        let serialized = response.serialize(keepAlive: keepAlive, peerVersion: peerVersion, isHeadRequest: isHeadRequest)
        if !serialized.droppedHeaderNames.isEmpty {
            log.warning("dropped invalid response header fields",
                metadata(about.merging(["names": serialized.droppedHeaderNames.joined(separator: ",")]) { own, _ in own }))
        }
        return serialized.bytes
    }

    /// Half-closes, then reads and discards until the peer closes, `lingerTimeout` passes or
    /// 1 MiB was discarded (invariant 3).
    private func linger() async {
        guard case .success = Syscall.shutdown(fd, Int32(SHUT_WR)) else { return }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var discarded = 0
        let deadline = configuration.lingerTimeout.fromNow
        while discarded < 1 << 20 {
            guard case .bytes(let count) = await read(into: &buffer, deadline: deadline, drainable: false) else { return }
            discarded += count
        }
    }

    /// Reads what is available, waiting for readability when there is nothing yet.
    private func read(into buffer: inout [UInt8], deadline: DispatchTime, drainable: Bool) async -> ReadOutcome {
        while true {
            let result = buffer.withUnsafeMutableBytes { Syscall.receive(fd, into: $0) }
            switch result {
            case .success(0):
                return .endOfStream
            case .success(let count):
                return .bytes(count)
            case .failure(let error) where error.isWouldBlock:
                switch await waiter.wait(for: .read, deadline: deadline, drainable: drainable) {
                case .ready: continue
                case .timedOut: return .timedOut
                case .draining, .closed: return .stopped
                }
            case .failure(let error):
                return .failed(error)
            }
        }
    }

    /// Writes all of `bytes`, handling partial writes and EAGAIN; false when the connection is
    /// unusable (peer gone, EPIPE, write timeout, forced close).
    private func write(_ bytes: [UInt8]) async -> Bool {
        var offset = 0
        let deadline = configuration.writeTimeout.fromNow
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Syscall.send(fd, UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            switch result {
            case .success(let count):
                offset += count
            case .failure(let error) where error.isWouldBlock:
                let outcome = await waiter.wait(for: .write, deadline: deadline, drainable: false)
                guard outcome == .ready else {
                    debug("write stopped", ["outcome": String(describing: outcome)])
                    return false
                }
            case .failure(let error):
                debug("write failed", ["errno": error.name])
                return false
            }
        }
        return true
    }

    private func metadata(_ extra: [String: String]) -> [String: String] {
        extra.merging(["connection": String(id), "peer": peer.description]) { own, _ in own }
    }

    private func debug(_ message: StaticString, _ extra: [String: String] = [:]) {
        log.debug(message, metadata(extra))
    }
}

/// One connection's part of the server's `RequestByteBudget` (invariant 6): what it charged,
/// brought down to what its parser and its request in flight still hold.
private struct BudgetShare {
    let budget: RequestByteBudget
    private(set) var charged = 0

    init(budget: RequestByteBudget) {
        self.budget = budget
    }

    /// Charges `bytes` about to be fed to the parser; false when the budget has no room.
    mutating func reserve(_ bytes: Int) -> Bool {
        guard budget.reserve(bytes) else { return false }
        charged += bytes
        return true
    }

    /// Releases what is charged beyond `held` (never charges more: only `reserve` does).
    mutating func settle(holding held: Int) {
        guard held < charged else { return }
        budget.release(charged - held)
        charged = held
    }

    mutating func releaseAll() { settle(holding: 0) }
}

extension HTTPRequestParser {
    /// The request bytes the parser holds: buffered input (the unfinished request, pipelined
    /// ones) plus the body assembled so far.
    var heldByteCount: Int { bufferedByteCount + body.count }
}
