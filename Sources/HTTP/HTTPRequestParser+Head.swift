/// Request-line, field-line and framing rules of the parser (RFC 9112 §3, §5, §6, §7.1).
extension HTTPRequestParser {
    /// How the body of the request being parsed is delimited.
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// Methods whose requests carry content, so a missing length is a 411.
    static let methodsRequiringLength: Set<String> = ["POST", "PUT", "PATCH"]

    /// `method SP request-target SP HTTP-version`, single spaces, nothing else.
    mutating func parseRequestLine(_ line: ArraySlice<UInt8>) -> HTTPParseError? {
        let parts = line.split(separator: HTTPSyntax.space, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            return HTTPParseError(.invalidRequestLine,
                                  "the request line must be METHOD, a target and HTTP/1.1, separated by single spaces")
        }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard HTTPSyntax.isToken(method) else {
            return HTTPParseError(.invalidMethod, "the method must be a token such as GET or POST")
        }
        switch Self.parseVersion(version) {
        case .failure(let error): return error
        case .success(let parsed): head.version = parsed
        }
        guard target.allSatisfy(HTTPSyntax.isTargetByte) else {
            return HTTPParseError(.invalidTarget,
                                  "the target may hold only visible ASCII without '#'; percent-encode other bytes")
        }
        head.method = HTTPSyntax.latin1String(method)
        head.target = HTTPSyntax.latin1String(target)
        let isOriginForm = target.first == UInt8(ascii: "/")
        let isAsteriskForm = head.target == "*" && head.method == "OPTIONS"
        let lowered = head.target.asciiLowercased()
        let isAbsoluteForm = lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
        guard isOriginForm || isAsteriskForm || isAbsoluteForm else {
            return HTTPParseError(.invalidTarget, "the target must start with '/' (or be '*' for OPTIONS)")
        }
        return nil
    }

    /// `HTTP/` DIGIT `.` DIGIT; major 1 only (505 otherwise).
    static func parseVersion(_ bytes: ArraySlice<UInt8>) -> Result<HTTPVersion, HTTPParseError> {
        let isDigit: (UInt8) -> Bool = { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        let chars = Array(bytes)
        guard chars.count == 8, chars.prefix(5).elementsEqual("HTTP/".utf8),
              isDigit(chars[5]), chars[6] == UInt8(ascii: "."), isDigit(chars[7]) else {
            return .failure(HTTPParseError(.invalidVersion, "the version must be HTTP/1.1 or HTTP/1.0"))
        }
        let major = Int(chars[5] - UInt8(ascii: "0"))
        let minor = Int(chars[7] - UInt8(ascii: "0"))
        guard major == 1 else {
            return .failure(HTTPParseError(.unsupportedVersion,
                                           "HTTP/\(major).\(minor) is not supported; use HTTP/1.1"))
        }
        return .success(HTTPVersion(major: major, minor: minor))
    }

    /// `field-name ":" OWS field-value OWS`; no whitespace before the colon, no obs-fold.
    func parseFieldLine(_ line: ArraySlice<UInt8>) -> Result<HTTPHeaders.Field, HTTPParseError> {
        guard let first = line.first, !HTTPSyntax.isWhitespace(first) else {
            return .failure(HTTPParseError(.obsoleteLineFolding,
                                           "a header line starts with whitespace (obs-fold); send each field on one line"))
        }
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else {
            return .failure(HTTPParseError(.invalidHeaderName, "a header line has no colon"))
        }
        let name = line[line.startIndex..<colon]
        if let last = name.last, HTTPSyntax.isWhitespace(last) {
            return .failure(HTTPParseError(.whitespaceBeforeColon,
                                           "a header name is followed by whitespace; remove it before the colon"))
        }
        guard HTTPSyntax.isToken(name) else {
            return .failure(HTTPParseError(.invalidHeaderName, "a header name must be a non-empty token"))
        }
        let value = HTTPSyntax.trimmed(line[(colon + 1)...])
        guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else {
            return .failure(HTTPParseError(.invalidHeaderValue,
                                           "a header value holds a control character; remove it"))
        }
        return .success(HTTPHeaders.Field(name: HTTPSyntax.latin1String(name),
                                          value: HTTPSyntax.latin1String(value)))
    }

    /// Host, Connection, Expect and body framing, once the header section is complete.
    mutating func validateHead() -> Result<Framing, HTTPParseError> {
        let headers = head.headers
        let isHTTP11 = head.version.minor >= 1
        let hosts = headers.values(for: "Host")
        if hosts.count > 1 {
            return .failure(HTTPParseError(.duplicateHost, "send exactly one Host header"))
        }
        if isHTTP11, hosts.isEmpty {
            return .failure(HTTPParseError(.missingHost, "HTTP/1.1 requests must carry a Host header"))
        }
        head.keepAlive = isHTTP11
            ? !headers.containsToken("close", in: "Connection")
            : headers.containsToken("keep-alive", in: "Connection") && !headers.containsToken("close", in: "Connection")

        let framing: Framing
        switch bodyFraming(headers, isHTTP11: isHTTP11) {
        case .failure(let error): return .failure(error)
        case .success(let value): framing = value
        }

        let expectations = headers.values(for: "Expect").flatMap(HTTPSyntax.listElements)
        if isHTTP11, !expectations.isEmpty {
            // RFC 9110 §10.1.1: only 100-continue is defined; HTTP/1.0 requests ignore Expect.
            guard expectations.allSatisfy({ $0 == "100-continue" }) else {
                return .failure(HTTPParseError(.unsupportedExpectation,
                                               "only 'Expect: 100-continue' is supported; drop other expectations"))
            }
            head.expectContinue = framing != .none
        }
        return .success(framing)
    }

    private func bodyFraming(_ headers: HTTPHeaders, isHTTP11: Bool) -> Result<Framing, HTTPParseError> {
        let encodings = headers.values(for: "Transfer-Encoding")
        let lengths = headers.values(for: "Content-Length")
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                return .failure(HTTPParseError(.contentLengthWithTransferEncoding,
                                               "send either Content-Length or Transfer-Encoding, not both"))
            }
            guard isHTTP11 else {
                return .failure(HTTPParseError(.invalidTransferEncoding,
                                               "Transfer-Encoding needs HTTP/1.1; send Content-Length instead"))
            }
            let codings = encodings.flatMap(HTTPSyntax.listElements)
            if codings.contains(where: { $0 != "chunked" }) {
                return .failure(HTTPParseError(.unsupportedTransferEncoding,
                                               "only 'Transfer-Encoding: chunked' is supported"))
            }
            guard codings.count == 1 else {
                return .failure(HTTPParseError(.invalidTransferEncoding,
                                               "Transfer-Encoding must name 'chunked' exactly once"))
            }
            return .success(.chunked)
        }
        if !lengths.isEmpty {
            return contentLength(lengths).map { $0 == 0 ? .none : .length($0) }
        }
        if Self.methodsRequiringLength.contains(head.method) {
            return .failure(HTTPParseError(.lengthRequired,
                                           "\(head.method) needs a Content-Length or chunked Transfer-Encoding"))
        }
        return .success(.none)
    }

    /// Every comma-separated element of every Content-Length field: digits only, all equal.
    private func contentLength(_ fields: [String]) -> Result<Int, HTTPParseError> {
        var agreed: Int?
        for field in fields {
            for element in field.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingOWS()
                guard !digits.isEmpty,
                      digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
                    return .failure(HTTPParseError(.invalidContentLength, "Content-Length must be decimal digits only"))
                }
                // Saturate: a value too large for Int is simply too large for the body limit.
                let value = digits.utf8.reduce(0) { total, digit in
                    let (times, overflowTimes) = total.multipliedReportingOverflow(by: 10)
                    let (sum, overflowSum) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                    return overflowTimes || overflowSum ? Int.max : sum
                }
                if let agreed, agreed != value {
                    return .failure(HTTPParseError(.conflictingContentLength,
                                                   "Content-Length values disagree; send one value"))
                }
                agreed = value
            }
        }
        let length = agreed ?? 0
        guard length <= limits.maxBodyBytes else {
            return .failure(HTTPParseError(.bodyTooLarge,
                                           "the body exceeds \(limits.maxBodyBytes) bytes; send less per request"))
        }
        return .success(length)
    }

    /// `chunk-size [ BWS ";" chunk-ext ]`: hex digits, extensions ignored, size within the
    /// body limit counting what is already received.
    func parseChunkSize(_ line: ArraySlice<UInt8>) -> Result<Int, HTTPParseError> {
        var index = line.startIndex
        var size = 0
        var tooLarge = false
        let room = limits.maxBodyBytes - body.count
        while index < line.endIndex, let digit = Self.hexValue(line[index]) {
            if !tooLarge {
                size = size * 16 + digit
                tooLarge = size > room
            }
            index += 1
        }
        guard index > line.startIndex else {
            return .failure(HTTPParseError(.invalidChunkSize, "a chunk must start with its size in hex digits"))
        }
        let rest = HTTPSyntax.trimmed(line[index...])
        guard rest.isEmpty || (rest.first == UInt8(ascii: ";") && rest.allSatisfy(HTTPSyntax.isFieldValueByte)) else {
            return .failure(HTTPParseError(.invalidChunkSize,
                                           "a chunk size must be hex digits, optionally followed by ';' extensions"))
        }
        guard !tooLarge else {
            return .failure(HTTPParseError(.bodyTooLarge,
                                           "the body exceeds \(limits.maxBodyBytes) bytes; send less per request"))
        }
        return .success(size)
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }
}
