/// Text compared and hashed by its UTF-8 bytes, for untrusted text (issue 14).
///
/// Swift's `String` `==` and `hash(into:)` work on the canonical (normalised) form, and
/// normalising one grapheme cluster of many combining marks of mixed classes is quadratic in its
/// length: a 128 KB JSON key cost seconds. Byte comparison is linear, and it is what RFC 8259
/// §8.3 asks of JSON ("comparing ... code unit by code unit"). The price: canonically equivalent
/// spellings (precomposed "é" and "e" + U+0301) are different keys and different values.
///
/// Invariants:
/// 1. `==` holds iff the two UTF-8 byte sequences are equal; `hash(into:)` feeds exactly those
///    bytes (and their count), so equal keys hash alike.
/// 2. Both cost time linear in the bytes, whatever the text.
struct UTF8Key: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: UTF8Key, b: UTF8Key) -> Bool { a.text.utf8Equals(b.text) }

    func hash(into hasher: inout Hasher) {
        var text = self.text  // withUTF8 needs a var; no copy for native strings
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
    }
}

extension String {
    /// Whether `self` and `other` are the same UTF-8 bytes, in time linear in their length.
    /// Use it instead of `==` on untrusted text: `==` compares canonical equivalence, which
    /// is quadratic in the length of one grapheme cluster (see `UTF8Key`).
    public func utf8Equals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var a = self, b = other  // withUTF8 needs a var; no copy for native strings
        return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
    }
}

extension Sequence<String> {
    /// Whether an element has the same UTF-8 bytes as `text` (`utf8Equals`), in time linear in
    /// the bytes compared: for checking untrusted names against a list of allowed ones.
    public func containsUTF8(_ text: String) -> Bool {
        contains { $0.utf8Equals(text) }
    }
}
