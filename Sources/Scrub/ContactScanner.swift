/// E-mail addresses and web addresses (`https://…`, `www.…`, and bare domains of the usual
/// and mission-country top-level domains such as `facebook.com/amina` or `radio.cf`).
///
/// Linear: each scan starts after the end of the previous one and looks left at most 64 bytes
/// (the longest local part of an address, RFC 5321) and right at most 255.
enum ContactScanner {
    static let topLevelDomains: Set<WordKey> = Set(words:
        ["com", "org", "net", "info", "biz", "io", "fr", "cf", "cd", "ml", "ss", "lb", "ht", "so", "sd", "cy", "ma",
         "ly", "edu", "gov", "int", "be", "ch", "ca", "uk", "me", "tv", "app", "online", "co", "ne", "sn", "ci", "cm"])

    static func isLocal(_ b: UInt8) -> Bool {
        TextBytes.isASCIILetter(b) || TextBytes.isDigit(b) || b == 0x2E || b == 0x5F || b == 0x25 || b == 0x2B || b == 0x2D
    }

    static func isHost(_ b: UInt8) -> Bool {
        TextBytes.isASCIILetter(b) || TextBytes.isDigit(b) || b == 0x2E || b == 0x2D
    }

    /// Bytes a URL ends before: whitespace, quotes and angle brackets.
    static func endsURL(_ b: UInt8) -> Bool {
        b <= 0x20 || b == 0x22 || b == 0x3C || b == 0x3E || b == 0x60
    }

    static func scan(_ bytes: [UInt8], into spans: inout [Span]) {
        let n = bytes.count
        var done = 0  // nothing before this is looked at again
        var i = 0
        while i < n {
            let b = bytes[i]
            if b == 0x40, let end = email(bytes, at: i, after: done, spans: &spans) {
                done = end; i = end; continue
            }
            if (b == 0x68 || b == 0x48 || b == 0x77 || b == 0x57), i >= done, TextBytes.atWordStart(bytes, i),
               hasPrefix(bytes, i, "http://") || hasPrefix(bytes, i, "https://") || hasPrefix(bytes, i, "www.") {
                let end = urlEnd(bytes, from: i)
                spans.append(Span(range: i..<end, kind: .url))
                done = end; i = end; continue
            }
            if b == 0x2E, i > done, let span = bareDomain(bytes, dot: i, after: done) {
                spans.append(span)
                done = span.range.upperBound; i = done; continue
            }
            i += 1
        }
    }

    private static func email(_ bytes: [UInt8], at: Int, after done: Int, spans: inout [Span]) -> Int? {
        var start = at
        while start > max(done, at - 64), isLocal(bytes[start - 1]) { start -= 1 }
        while start < at, !(TextBytes.isASCIILetter(bytes[start]) || TextBytes.isDigit(bytes[start])) { start += 1 }
        guard start < at else { return nil }
        var end = at + 1
        while end < min(bytes.count, at + 256), isHost(bytes[end]) { end += 1 }
        while end > at + 1, bytes[end - 1] == 0x2E || bytes[end - 1] == 0x2D { end -= 1 }
        guard let dot = bytes[(at + 1)..<end].lastIndex(of: 0x2E), dot > at + 1, end - dot >= 3,
              bytes[(dot + 1)..<end].allSatisfy(TextBytes.isASCIILetter) else { return nil }
        spans.append(Span(range: start..<end, kind: .email))
        return end
    }

    private static func bareDomain(_ bytes: [UInt8], dot: Int, after done: Int) -> Span? {
        var tldEnd = dot + 1
        while tldEnd < bytes.count, tldEnd - dot <= 7, TextBytes.isASCIILetter(bytes[tldEnd]) { tldEnd += 1 }
        let tld = bytes[(dot + 1)..<tldEnd].map { $0 | 0x20 }
        guard topLevelDomains.contains(tld), tldEnd == bytes.count || !isHost(bytes[tldEnd]) || bytes[tldEnd] == 0x2E else { return nil }
        if tldEnd < bytes.count, bytes[tldEnd] == 0x2E, tldEnd + 1 < bytes.count, isHost(bytes[tldEnd + 1]) { return nil }
        var start = dot
        while start > max(done, dot - 253), isHost(bytes[start - 1]) { start -= 1 }
        guard start < dot, TextBytes.isASCIILetter(bytes[start]) || TextBytes.isDigit(bytes[start]),
              TextBytes.atWordStart(bytes, start), bytes[start..<dot].contains(where: TextBytes.isASCIILetter) else { return nil }
        let end = tldEnd < bytes.count && bytes[tldEnd] == 0x2F ? urlEnd(bytes, from: tldEnd) : tldEnd
        return Span(range: start..<end, kind: .url)
    }

    /// The end of a URL starting at `i`: up to whitespace (a no-break space too, as French
    /// typography puts before `»`), without trailing punctuation.
    static func urlEnd(_ bytes: [UInt8], from i: Int) -> Int {
        var end = i
        while end < bytes.count, !endsURL(bytes[end]), !(bytes[end] == 0xC2 && end + 1 < bytes.count && bytes[end + 1] == 0xA0) {
            end += 1
        }
        while end > i, [0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29, 0x5D, 0x7D, 0x27].contains(bytes[end - 1]) { end -= 1 }
        // A closing guillemet or typographic quote (UTF-8 of », ”, ’) is punctuation, not URL.
        // (Their last bytes: BB after C2; 9D or 99 after E2 80.)
        while end >= i + 2, bytes[end - 1] == 0xBB || bytes[end - 1] == 0x9D || bytes[end - 1] == 0x99,
              end - 2 >= i, bytes[end - 2] == 0xC2 || bytes[end - 2] == 0x80 {
            end -= bytes[end - 2] == 0xC2 ? 2 : 3
        }
        return max(end, i)
    }

    /// Whether `bytes` at `i` start with `p`, ASCII case ignored.
    static func hasPrefix(_ bytes: [UInt8], _ i: Int, _ p: [UInt8]) -> Bool {
        guard i + p.count <= bytes.count else { return false }
        for k in 0..<p.count where bytes[i + k] | 0x20 != p[k] | 0x20 { return false }
        return true
    }

    static func hasPrefix(_ bytes: [UInt8], _ i: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard i + count <= bytes.count else { return false }
        let p = prefix.utf8Start
        for k in 0..<count where bytes[i + k] | 0x20 != p[k] | 0x20 { return false }
        return true
    }
}
