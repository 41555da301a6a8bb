/// The HTTP/1.1 request parser: a pure state machine, no I/O (RFC 9112).
///
/// Bytes go in with `feed(_:)`; `next()` says what to do: read more, write `100 Continue`,
/// handle a complete request, or answer an error and close. The caller owns the socket.
///
/// Invariants:
/// 1. `next()` consumes only the bytes of the request it is working on. Bytes after a complete
///    request stay buffered and become the next request (pipelining), in order.
/// 2. Work is linear in the bytes fed: the line scan resumes where the previous call stopped,
///    so a client trickling one byte at a time cannot make parsing quadratic.
/// 3. A limit is enforced as soon as the buffered bytes prove it breached: a line with no LF
///    after `limit + 1` bytes fails at once, without waiting for the rest.
/// 4. The outcome (the requests delivered, then the error if any) depends only on the bytes,
///    never on how TCP split them: every check is made at the byte that decides it, in byte
///    order, so a whole input gets the verdict a byte-at-a-time feed gets (a line over its limit
///    is too long even when a bare LF ends it). Only `sendContinue` depends on the split: it is
///    left out when body bytes already arrived.
/// 5. Line endings in the head, in chunk-size lines and in trailers are exactly CRLF. A bare LF
///    (or a CR not followed by LF) is a 400: RFC 9112 §2.2 allows leniency but does not require
///    it, and accepting what a proxy in front might frame differently invites request smuggling.
/// 6. Up to `maxLeadingEmptyLines` empty lines before a request line are ignored (RFC 9112 §2.2).
/// 7. Once `next()` returns `.error`, the parser stays failed and returns that error again; the
///    connection must answer it with `Connection: close` and close.
/// 8. Framing (RFC 9112 §6): Transfer-Encoding and Content-Length together are a 400; only the
///    exact coding `chunked` is decoded; Content-Length is digits only and every copy must agree;
///    POST, PUT and PATCH without either are a 411; other methods without either have no body.
public struct HTTPRequestParser: Sendable {
    /// What the caller must do next.
    public enum Action: Sendable, Equatable {
        /// Read more bytes from the peer and `feed` them.
        case needMoreData
        /// Write `HTTP/1.1 100 Continue` now: the client waits for it before sending the body.
        case sendContinue
        /// A complete request. Call `next()` again after answering it.
        case request(HTTPRequest)
        /// The request is malformed: answer `error.status` with `Connection: close`, then close.
        case error(HTTPParseError)
    }

    enum Phase: Sendable, Equatable {
        case requestLine
        case headers
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed(HTTPParseError)
    }

    /// The request being assembled.
    struct Head: Sendable {
        var method = ""
        var target = ""
        var version = HTTPVersion.http1_1
        var headers = HTTPHeaders()
        var headerBytes = 0
        var trailerBytes = 0
        var trailerCount = 0
        var keepAlive = true
        var expectContinue = false
    }

    enum LineResult {
        case line(ArraySlice<UInt8>)
        case needMore
        case tooLong
        case bareLineFeed
    }

    /// Empty lines tolerated before a request line (invariant 6).
    static let maxLeadingEmptyLines = 4

    /// The limits this parser enforces.
    public let limits: HTTPLimits
    var phase = Phase.requestLine
    var head = Head()
    var body: [UInt8] = []
    var buffer: [UInt8] = []
    /// Index of the first byte not yet consumed.
    var start = 0
    /// Index where the search for the next LF resumes (invariant 2).
    var scan = 0
    var emptyLinesSkipped = 0

    public init(limits: HTTPLimits = .default) {
        self.limits = limits
    }

    /// Bytes fed but not yet consumed (the unfinished part of a request, or pipelined ones).
    public var bufferedByteCount: Int { buffer.count - start }

    /// True between requests when not one byte of the next request has arrived.
    public var isIdle: Bool { phase == .requestLine && start == buffer.count && emptyLinesSkipped == 0 }

    /// True while the head of a request is incomplete (and at least one byte of it arrived).
    public var isReadingHead: Bool {
        switch phase {
        case .requestLine: return !isIdle
        case .headers: return true
        default: return false
        }
    }

    /// Appends bytes read from the peer. Call `next()` afterwards.
    public mutating func feed(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        if start > 0, start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            scan -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Advances as far as the buffered bytes allow and returns the next action.
    public mutating func next() -> Action {
        while true {
            if let action = step() { return action }
        }
    }

    /// The error to report when the peer ends its side of the stream; nil when that is clean
    /// (between requests). Call it only after `next()` returned `.needMoreData`.
    public mutating func inputEnded() -> HTTPParseError? {
        if case .failed(let error) = phase { return error }
        guard !isIdle else { return nil }
        let error = HTTPParseError(.truncatedRequest,
                                   "the connection ended in the middle of a request; send the whole request")
        phase = .failed(error)
        return error
    }

    /// One transition. Returns nil when the machine moved on and can continue at once.
    private mutating func step() -> Action? {
        switch phase {
        case .failed(let error):
            return .error(error)
        case .requestLine:
            return stepRequestLine()
        case .headers:
            return stepHeaderLine()
        case .fixedBody(let remaining):
            let taken = takeBody(upTo: remaining)
            guard taken > 0 else { return .needMoreData }
            guard remaining - taken == 0 else {
                phase = .fixedBody(remaining: remaining - taken)
                return .needMoreData
            }
            return complete()
        case .chunkSize:
            return stepChunkSize()
        case .chunkData(let remaining):
            let taken = takeBody(upTo: remaining)
            guard taken > 0 else { return .needMoreData }
            phase = remaining - taken == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
            return nil
        case .chunkDataEnd:
            return stepChunkDataEnd()
        case .trailers:
            return stepTrailerLine()
        }
    }

    private mutating func stepRequestLine() -> Action? {
        switch takeLine(limit: limits.maxRequestLineBytes) {
        case .needMore:
            return .needMoreData
        case .tooLong:
            return fail(.requestLineTooLong,
                        "the request line exceeds \(limits.maxRequestLineBytes) bytes; use a shorter target")
        case .bareLineFeed:
            return failBareLineFeed()
        case .line(let line) where line.isEmpty:
            emptyLinesSkipped += 1
            guard emptyLinesSkipped <= Self.maxLeadingEmptyLines else {
                return fail(.invalidRequestLine, "too many empty lines before the request line")
            }
            return nil
        case .line(let line):
            if let error = parseRequestLine(line) { return fail(error) }
            phase = .headers
            return nil
        }
    }

    private mutating func stepHeaderLine() -> Action? {
        let room = limits.maxHeaderBytes - head.headerBytes
        switch takeLine(limit: max(room - 2, 0)) {
        case .needMore:
            return .needMoreData
        case .tooLong:
            return fail(.headersTooLarge,
                        "the header section exceeds \(limits.maxHeaderBytes) bytes; send fewer or smaller headers")
        case .bareLineFeed:
            return failBareLineFeed()
        case .line(let line) where line.isEmpty:
            return finishHead()
        case .line(let line):
            head.headerBytes += line.count + 2
            guard head.headers.count < limits.maxHeaderCount else {
                return fail(.tooManyHeaders, "more than \(limits.maxHeaderCount) header fields; send fewer")
            }
            switch parseFieldLine(line) {
            case .failure(let error): return fail(error)
            case .success(let field): head.headers.add(name: field.name, value: field.value)
            }
            return nil
        }
    }

    /// Validates the head and picks the body framing (invariant 8).
    private mutating func finishHead() -> Action? {
        switch validateHead() {
        case .failure(let error):
            return fail(error)
        case .success(.none):
            return complete()
        case .success(.length(let length)):
            body.reserveCapacity(min(length, 1 << 20))
            phase = .fixedBody(remaining: length)
        case .success(.chunked):
            phase = .chunkSize
        }
        // RFC 9110 §10.1.1: a server MAY omit 100 Continue when body bytes already arrived.
        if head.expectContinue, start == buffer.count { return .sendContinue }
        return nil
    }

    private mutating func stepChunkSize() -> Action? {
        switch takeLine(limit: limits.maxChunkLineBytes) {
        case .needMore:
            return .needMoreData
        case .tooLong:
            return fail(.invalidChunkSize,
                        "a chunk-size line exceeds \(limits.maxChunkLineBytes) bytes; drop chunk extensions")
        case .bareLineFeed:
            return failBareLineFeed()
        case .line(let line):
            switch parseChunkSize(line) {
            case .failure(let error):
                return fail(error)
            case .success(0):
                phase = .trailers
            case .success(let size):
                phase = .chunkData(remaining: size)
            }
            return nil
        }
    }

    private mutating func stepChunkDataEnd() -> Action? {
        let available = buffer.count - start
        if available >= 1, buffer[start] != HTTPSyntax.cr { return failMissingChunkTerminator() }
        guard available >= 2 else { return .needMoreData }
        guard buffer[start + 1] == HTTPSyntax.lf else { return failMissingChunkTerminator() }
        start += 2
        scan = start
        phase = .chunkSize
        return nil
    }

    private mutating func stepTrailerLine() -> Action? {
        let room = limits.maxHeaderBytes - head.trailerBytes
        switch takeLine(limit: max(room - 2, 0)) {
        case .needMore:
            return .needMoreData
        case .tooLong:
            return fail(.trailersTooLarge,
                        "the trailer section exceeds \(limits.maxHeaderBytes) bytes; send smaller trailers")
        case .bareLineFeed:
            return failBareLineFeed()
        case .line(let line) where line.isEmpty:
            return complete()
        case .line(let line):
            head.trailerBytes += line.count + 2
            head.trailerCount += 1
            guard head.trailerCount <= limits.maxHeaderCount else {
                return fail(.trailersTooLarge, "more than \(limits.maxHeaderCount) trailer fields; send fewer")
            }
            // Trailers are validated like header fields, then discarded.
            if case .failure(let error) = parseFieldLine(line) { return fail(error) }
            return nil
        }
    }

    /// Moves up to `limit` buffered bytes into the body; returns how many.
    private mutating func takeBody(upTo limit: Int) -> Int {
        let count = min(limit, buffer.count - start)
        guard count > 0 else { return 0 }
        body.append(contentsOf: buffer[start..<(start + count)])
        start += count
        scan = start
        return count
    }

    /// Finds the next CRLF-terminated line; its content (CRLF excluded) may be at most `limit`.
    ///
    /// The verdict is the one a byte-at-a-time feed would give (invariants 3, 4): more than
    /// `limit + 1` bytes before the LF is `.tooLong` whether or not the LF has arrived, and is
    /// checked before the line ending, since a trickled line fails at byte `limit + 2` before
    /// its LF is ever seen.
    mutating func takeLine(limit: Int) -> LineResult {
        guard let lf = buffer[scan...].firstIndex(of: HTTPSyntax.lf) else {
            scan = buffer.count
            // More than `limit` content bytes plus a possible trailing CR, and still no LF.
            return buffer.count - start > limit + 1 ? .tooLong : .needMore
        }
        guard lf - start <= limit + 1 else { return .tooLong }
        guard lf > start, buffer[lf - 1] == HTTPSyntax.cr else { return .bareLineFeed }
        let line = buffer[start..<(lf - 1)]
        start = lf + 1
        scan = start
        return .line(line)
    }

    /// Hands out the finished request and resets for the next one.
    private mutating func complete() -> Action {
        let request = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                  headers: head.headers, body: body, keepAlive: head.keepAlive)
        body = []
        head = Head()
        phase = .requestLine
        emptyLinesSkipped = 0
        return .request(request)
    }

    private mutating func fail(_ code: HTTPParseError.Code, _ message: String) -> Action {
        fail(HTTPParseError(code, message))
    }

    private mutating func fail(_ error: HTTPParseError) -> Action {
        phase = .failed(error)
        return .error(error)
    }

    private mutating func failBareLineFeed() -> Action {
        fail(.bareLineFeed, "lines must end with CRLF; a bare LF was received")
    }

    private mutating func failMissingChunkTerminator() -> Action {
        fail(.missingChunkTerminator, "chunk data must be followed by CRLF; check the chunk sizes")
    }
}
