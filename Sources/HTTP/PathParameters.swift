/// The values a route's `:name` segments captured (`RequestContext.parameters`), percent-decoded
/// by the rules of `RoutePattern` (invariant 3).
///
///     router.get("/v1/reports/:id") { _, context in
///         guard let id = context.parameters["id"] else { … }   // "/v1/reports/R%2D7" gives "R-7"
///     }
public struct PathParameters: Sendable, Equatable, Sequence {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The parameters in the order of the route's segments.
    public private(set) var all: [Parameter] = []

    public init() {}

    /// The value captured for `name`, or nil when the route has no such parameter.
    public subscript(name: String) -> String? {
        all.first { $0.name == name }?.value
    }

    public var isEmpty: Bool { all.isEmpty }

    mutating func append(name: String, value: String) {
        all.append(Parameter(name: name, value: value))
    }

    public func makeIterator() -> IndexingIterator<[Parameter]> {
        all.makeIterator()
    }

    /// `segment` percent-decoded as UTF-8, or nil when it holds a `%` not followed by two hex
    /// digits, decodes to bytes that are not UTF-8, or decodes to a control character
    /// (U+0000–U+001F, U+007F). `+` is left alone: it means a space only in form bodies.
    static func percentDecoded(_ segment: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.utf8.count)
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        guard let text = String(validating: bytes, as: UTF8.self),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
