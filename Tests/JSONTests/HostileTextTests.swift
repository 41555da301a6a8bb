import JSON
import Testing
import TestSupport

/// Keys and strings made of one huge grapheme cluster cost time linear in their bytes (issue 14):
/// the parser, `JSONObject` lookups, `JSONValue` equality and hashing and the sorted writer all
/// compare UTF-8 bytes, never canonically equivalent Strings.
@Suite struct HostileTextTests {
    static let marks = 20_000

    /// `{"<key>":1,"<key>b":2,"mission":"x"}`: the parser checks every key against the others.
    static func document(key: String) -> [UInt8] {
        Array("{\"\(key)\":1,\"\(key)b\":2,\"mission\":\"x\"}".utf8)
    }

    static func expectLinear(_ what: String, hostile: () -> Void, plain: () -> Void,
                             sourceLocation: SourceLocation = #_sourceLocation) async {
        let result = await LinearTime.check(hostile: hostile, plain: plain)
        print("\(what): \(result)")
        #expect(result.isLinear, "\(what): \(result)", sourceLocation: sourceLocation)
    }

    @Test func aHugeClusterKeyParsesInLinearTime() async throws {
        let cluster = HostileText.cluster(marks: Self.marks)
        let hostile = Self.document(key: cluster), plain = Self.document(key: HostileText.plain(matching: cluster))
        #expect(hostile.count == plain.count)
        let parsed = try JSON.parse(hostile)
        #expect(parsed.objectValue?.count == 3)
        #expect(parsed[cluster] == .int(1))
        await Self.expectLinear("JSON.parse, cluster key", hostile: { _ = try? JSON.parse(hostile) },
                          plain: { _ = try? JSON.parse(plain) })
    }

    @Test func aHugeClusterStringValueParsesInLinearTime() async throws {
        let cluster = HostileText.cluster(marks: Self.marks)
        let make = { (text: String) in Array("{\"narrative\":\"\(text)\",\"b\":[\"\(text)\"]}".utf8) }
        let hostile = make(cluster), plain = make(HostileText.plain(matching: cluster))
        #expect(try JSON.parse(hostile)["narrative"]?.stringValue?.utf8.count == cluster.utf8.count)
        await Self.expectLinear("JSON.parse, cluster value", hostile: { _ = try? JSON.parse(hostile) },
                          plain: { _ = try? JSON.parse(plain) })
    }

    @Test func lookupsEqualityHashingAndSortedOutputAreLinear() async throws {
        let cluster = HostileText.cluster(marks: Self.marks)
        let plainText = HostileText.plain(matching: cluster)
        let hostile = try JSON.parse(Self.document(key: cluster)), hostileCopy = try JSON.parse(Self.document(key: cluster))
        let plain = try JSON.parse(Self.document(key: plainText)), plainCopy = try JSON.parse(Self.document(key: plainText))
        let work = { (a: JSONValue, b: JSONValue, key: String) in
            precondition(a == b && a[key] != nil && a[key + "c"] == nil)
            _ = Set([a, b, .string(key)]).count
            _ = JSON.encodeBytes(a, sortedKeys: true)
        }
        await Self.expectLinear("JSONValue ==, hash, lookup, sorted encode",
                          hostile: { work(hostile, hostileCopy, cluster) }, plain: { work(plain, plainCopy, plainText) })
    }

    @Test func keysAndStringsCompareByTheirBytes() throws {
        // Canonically equivalent but different bytes: two keys, two values (RFC 8259 §8.3).
        let object = try #require(JSON.parse("{\"é\":1,\"e\u{301}\":2}").objectValue)
        #expect(object.count == 2)
        #expect(object["é"] == .int(1) && object["e\u{301}"] == .int(2))
        #expect(JSONValue.string("é") != .string("e\u{301}"))
        // The same bytes once unescaped are still the same key.
        #expect(throws: JSONParseError.self) { try JSON.parse("{\"\\u00e9\":1,\"é\":2}") }
    }
}
