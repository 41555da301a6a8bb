import Foundation
import Toolkit
import Testing
import Zlib

@Suite("Zlib")
struct ZlibTests {
    /// SplitMix64: a small seeded generator so a failing size/content can be replayed.
    typealias SeededGenerator = SplitMix64

    /// Seed from `ZLIB_TEST_SEED` to replay a failure, else fresh; always printed.
    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["ZLIB_TEST_SEED"], let value = UInt64(text) { return value }
        return UInt64.random(in: 0...UInt64.max)
    }

    /// Compressible but not trivial bytes: runs of a small alphabet mixed with noise.
    static func sample(count: Int, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let run = Int.random(in: 1...64, using: &generator)
            let byte = Bool.random(using: &generator) ? UInt8.random(in: 97...102, using: &generator)
                                                      : UInt8.random(in: 0...255, using: &generator)
            bytes += [UInt8](repeating: byte, count: min(run, count - bytes.count))
        }
        return bytes
    }

    @Test func roundTripsRandomSizesInEveryFormat() throws {
        let seed = Self.seed()
        var generator = SeededGenerator(seed: seed)
        let sizes = [0, 1, 2, 100, 65_535, 65_536, 65_537, 2 << 20] + (0..<3).map { _ in Int.random(in: 0...(2 << 20), using: &generator) }
        for size in sizes {
            let original = Self.sample(count: size, using: &generator)
            for format in [Zlib.Format.gzip, .zlib, .raw] {
                let compressed = Zlib.compress(original, format: format, level: size % 2 == 0 ? 6 : 1)
                let restored = try Zlib.decompress(compressed, format: format, maxOutputBytes: size)
                #expect(restored == original, "size \(size) format \(format); replay with ZLIB_TEST_SEED=\(seed)")
            }
        }
    }

    @Test func levelsChangeOutputAndZeroStores() throws {
        let text = Array(String(repeating: "fieldsync report ", count: 2000).utf8)
        let stored = Zlib.compress(text, format: .raw, level: 0)
        let best = Zlib.compress(text, format: .raw, level: 9)
        #expect(stored.count > text.count)
        #expect(best.count < text.count / 20)
        #expect(try Zlib.decompress(stored, format: .raw, maxOutputBytes: text.count) == text)
    }

    @Test func gzipOutputIsReadableByGzipTool() throws {
        var generator = SeededGenerator(seed: 42)
        let original = Self.sample(count: 300_000, using: &generator)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zlibtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data.gz")
        try Data(Zlib.compress(original)).write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-d", "-c", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect([UInt8](output) == original)
    }

    @Test func concatenatedGzipMembersDecompressToTheConcatenation() throws {
        let joined = Zlib.compress(Array("first ".utf8)) + Zlib.compress(Array("second".utf8))
        #expect(try Zlib.decompress(joined, maxOutputBytes: 100) == Array("first second".utf8))
    }

    @Test func zipBombHitsTheCapInsteadOfMemory() throws {
        let bomb = Zlib.compress([UInt8](repeating: 0, count: 10 << 20), level: 9)
        #expect(bomb.count < 20_000)
        #expect(throws: ZlibError(.outputTooLarge, message: "output exceeds the limit of 1048576 bytes")) {
            try Zlib.decompress(bomb, maxOutputBytes: 1 << 20)
        }
        // Exactly at the limit is allowed; one byte under is not.
        let exact = Zlib.compress([UInt8](repeating: 7, count: 5000))
        #expect(try Zlib.decompress(exact, maxOutputBytes: 5000).count == 5000)
        #expect(throws: ZlibError.self) { try Zlib.decompress(exact, maxOutputBytes: 4999) }
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let original = Array("A report is what the operator records, offline for hours or days.".utf8)
        for format in [Zlib.Format.gzip, .zlib, .raw] {
            let compressed = Zlib.compress(original, format: format)
            for length in 0..<compressed.count {
                do {
                    _ = try Zlib.decompress(Array(compressed.prefix(length)), format: format, maxOutputBytes: 1 << 20)
                    Issue.record("\(format) prefix of \(length)/\(compressed.count) bytes decompressed")
                } catch {
                    // A cut inside the gzip header can read as a bad header; every other cut is truncation.
                    #expect(error.code == .truncated || (format == .gzip && error.code == .corrupt && length < 10),
                            "\(format) prefix \(length): \(error)")
                }
            }
        }
    }

    @Test func garbageAndDamageAreCorruptWithZlibsMessage() throws {
        do {
            _ = try Zlib.decompress(Array("definitely not gzip data".utf8), maxOutputBytes: 1000)
            Issue.record("garbage decompressed")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.message == "incorrect header check")
        }
        // A flipped byte in the CRC-32 trailer of a gzip stream.
        var damaged = Zlib.compress(Array("checksummed".utf8))
        damaged[damaged.count - 6] ^= 0xff
        do {
            _ = try Zlib.decompress(damaged, maxOutputBytes: 1000)
            Issue.record("bad CRC accepted")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.message == "incorrect data check")
        }
        // Trailing bytes after a zlib stream.
        #expect(throws: ZlibError.self) {
            try Zlib.decompress(Zlib.compress([1, 2, 3], format: .zlib) + [0], format: .zlib, maxOutputBytes: 10)
        }
        // Wrong format: a zlib stream read as gzip.
        #expect(throws: ZlibError.self) {
            try Zlib.decompress(Zlib.compress([1, 2, 3], format: .zlib), format: .gzip, maxOutputBytes: 10)
        }
    }

    @Test func crc32KnownValuesAndChaining() {
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Zlib.crc32([]) == 0)
        #expect(Zlib.crc32([], initial: 0x1234_5678) == 0x1234_5678)
        let a = Array("field".utf8), b = Array("sync".utf8)
        #expect(Zlib.crc32(b, initial: Zlib.crc32(a)) == Zlib.crc32(a + b))
    }
}

@Suite struct ZlibDictionaryTests {
    @Test func aPresetDictionaryShrinksSmallInputsAndIsNeededToInflate() throws {
        let dictionary = Array("consent.shareWithInvestigators incident.area allegation.narrative".utf8)
        let input = Array("consent.shareWithInvestigators=true incident.area=Bria".utf8)
        for format in [Zlib.Format.raw, .zlib] {
            let plain = Zlib.compress(input, format: format)
            let primed = Zlib.compress(input, format: format, dictionary: dictionary)
            #expect(primed.count < plain.count)
            #expect(try Zlib.decompress(primed, format: format, maxOutputBytes: 1024, dictionary: dictionary) == input)
        }
        // A zlib stream says it needs a dictionary; without one it is refused, not guessed.
        let primed = Zlib.compress(input, format: .zlib, dictionary: dictionary)
        #expect(throws: ZlibError.self) { try Zlib.decompress(primed, format: .zlib, maxOutputBytes: 1024) }
        // A raw stream inflated without its dictionary cannot give the input back.
        let raw = Zlib.compress(input, format: .raw, dictionary: dictionary)
        #expect((try? Zlib.decompress(raw, format: .raw, maxOutputBytes: 1024)) != input)
    }
}
