/// Number tokens: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
/// A literal with no fraction or exponent that fits in Int64 is `.int` (so `-0` is `.int(0)`);
/// anything else is `.double`, and a literal beyond the Double range is `invalidNumber`.
extension JSONParser {
    /// Reads a number; `index` is at its `-` or first digit.
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count else { throw endError("expected a digit after '-'") }
        var magnitude: UInt64 = 0
        var overflow = false
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) {
                throw error(.invalidNumber, at: index - 1,
                            "a number must not start with '0' followed by more digits; remove the leading zero")
            }
        } else if isDigit(first) {
            while index < bytes.count && isDigit(bytes[index]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                magnitude = sum
                overflow = overflow || o1 || o2
                index += 1
            }
        } else {
            throw unexpected(.invalidNumber, "expected a digit after '-'")
        }
        var isInteger = true
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            try readDigits(after: "'.'")
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            try readDigits(after: "the exponent mark")
        }
        if isInteger && !overflow {
            if !negative && magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
            if negative && magnitude <= Int64.min.magnitude { return .int(Int64(bitPattern: 0 &- magnitude)) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            throw error(.invalidNumber, at: start,
                        "the number is too large for a 64-bit floating-point value (the limit is about 1.8e308)")
        }
        return .double(double)
    }

    /// Reads one or more digits; the grammar requires at least one after `what`.
    private mutating func readDigits(after what: String) throws(JSONParseError) {
        guard index < bytes.count else { throw endError("expected a digit after \(what)") }
        guard isDigit(bytes[index]) else { throw unexpected(.invalidNumber, "expected a digit after \(what)") }
        while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
