import Foundation
import Zlib

/// What a thief does with a seized data directory: reads every file raw, inflates every
/// gzip or zlib stream found inside it, and looks for known words in every encoding a program
/// might have written them in. The seizure tests assert it finds nothing; its own test
/// (`SyncSeizureTests.theSearchFindsWhatIsThere`) shows that it would.
struct SeizedFiles {
    /// One secret found: where and how it was written.
    struct Finding: CustomStringConvertible {
        let file: String
        let secret: String
        let encoding: String
        var description: String { "\(file): \"\(secret)\" as \(encoding)" }
    }

    /// The byte forms of `secret` searched for, by name: UTF-8, UTF-16 (both orders), hex, and
    /// base64 (standard and URL-safe) at each of the three alignments a longer text could
    /// put it at. The haystack is searched lowercased, so case does not hide a match.
    static func encodings(of secret: String) -> [(name: String, bytes: [UInt8])] {
        let utf8 = Array(secret.utf8)
        var out: [(String, [UInt8])] = [("utf-8", utf8)]
        out.append(("utf-16le", Array(secret.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] })))
        out.append(("utf-16be", Array(secret.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] })))
        out.append(("hex", Array(utf8.map { String(format: "%02x", $0) }.joined().utf8)))
        for shift in 0..<3 {
            // The characters that depend only on the secret's bytes at this alignment.
            let encoded = Data([UInt8](repeating: 0, count: shift) + utf8).base64EncodedString()
            let skip = [0, 2, 3][shift]
            let core = String(encoded.dropFirst(skip).dropLast(4))
            guard core.count >= 6 else { continue }
            out.append(("base64+\(shift)", Array(core.utf8)))
            out.append(("base64url+\(shift)", Array(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").utf8)))
        }
        return out.map { ($0.0, Array($0.1).map(lowercase)) }
    }

    /// Every regular file under `directory` (recursively), or `directory` itself when it is a file.
    static func files(under directory: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [directory] }
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []
        return names.map { directory + "/" + $0 }.filter { path in
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
        }.sorted()
    }

    /// The contents of `bytes` and of every stream inflated from it, by label.
    static func layers(_ bytes: [UInt8]) -> [(label: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = [("raw", bytes)]
        var index = 0
        while index + 1 < bytes.count {
            let (a, b) = (bytes[index], bytes[index + 1])
            let format: Zlib.Format? = a == 0x1f && b == 0x8b ? .gzip
                : (a & 0x0f == 8 && (UInt16(a) << 8 | UInt16(b)) % 31 == 0 ? .zlib : nil)
            if let format, let inflated = try? Zlib.decompress(Array(bytes[index...]), format: format, maxOutputBytes: 64 << 20,
                                                               ignoringTrailingBytes: true), !inflated.isEmpty {
                out.append(("inflated \(format) at \(index)", inflated))
            }
            index += 1
        }
        return out
    }

    /// Every secret found in the files under `path` (those `skipping` rejects aside); `binary`
    /// secrets (a double's 8 bytes, say) are searched as they are.
    static func search(_ path: String, for secrets: [String], binary: [(name: String, bytes: [UInt8])] = [],
                       skipping: (String) -> Bool = { _ in false }) throws -> (findings: [Finding], filesRead: [String]) {
        let needles = secrets.map { ($0, encodings(of: $0)) } + binary.map { ($0.name, [(name: "binary", bytes: $0.bytes.map(lowercase))]) }
        var findings: [Finding] = []
        let files = files(under: path).filter { !skipping($0) }
        for file in files {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            for (label, layer) in layers(bytes) {
                let haystack = layer.map(lowercase)
                for (secret, forms) in needles {
                    for form in forms where contains(haystack, form.bytes) {
                        findings.append(Finding(file: "\(file) (\(label))", secret: secret, encoding: form.name))
                    }
                }
            }
        }
        return (findings, files)
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 { (0x41...0x5a).contains(byte) ? byte + 0x20 : byte }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
