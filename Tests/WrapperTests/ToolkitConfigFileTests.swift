import Foundation
import Testing
@testable import Toolkit

@Suite struct ToolkitConfigFileTests {
    private static let keys: Set<String> = ["hub_url", "interval", "max_batch_bytes", "data_dir", "verbose"]
    private static let path = "/etc/fieldsync/test.conf"

    private func parse(_ text: String, keys: Set<String> = Self.keys) throws(ConfigError) -> ConfigFile {
        try ConfigFile.parse(text, path: Self.path, allowedKeys: keys)
    }

    /// The error `text` fails with; records an issue (and returns nil) when it parses.
    private func failure(_ text: String, keys: Set<String> = Self.keys) -> ConfigError? {
        do {
            let config = try parse(text, keys: keys)
            Issue.record("expected an error, parsed keys \(config.keys)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: Syntax

    @Test func commentsBlankLinesAndWhitespaceAreIgnored() throws {
        let config = try parse("""
            # a comment
               # an indented comment

            \thub_url   =   https://hub.example.org/   # trailing comment
            interval=90s
            \t
            """)
        #expect(config.string("hub_url") == "https://hub.example.org/")
        #expect(config.string("interval") == "90s")
        #expect(config.line("hub_url") == 4)
        #expect(config.line("interval") == 5)
        #expect(config.keys == ["hub_url", "interval"])
        #expect(config.string("data_dir") == nil)
    }

    @Test func hashWithoutABlankBeforeItIsPartOfTheValue() throws {
        let config = try parse("hub_url = https://hub.example/#frag#x # comment\ndata_dir = #only a comment")
        #expect(config.string("hub_url") == "https://hub.example/#frag#x")
        #expect(config.string("data_dir") == "")
    }

    @Test func quotedValuesKeepBlanksAndHashesAndResolveEscapes() throws {
        let config = try parse(#"""
            data_dir = "  /srv/field data # not a comment  "   # a comment
            hub_url = "say \"hi\" \\ back"
            interval = ""
            """#)
        #expect(config.string("data_dir") == "  /srv/field data # not a comment  ")
        #expect(config.string("hub_url") == #"say "hi" \ back"#)
        #expect(config.string("interval") == "")
    }

    @Test func crlfLineEndingsAndAByteOrderMarkAreAccepted() throws {
        let config = try parse("\u{FEFF}hub_url = a\r\n# c\r\ninterval = 5m\r\n")
        #expect(config.string("hub_url") == "a")
        #expect(config.string("interval") == "5m")
        #expect(config.line("interval") == 3)
    }

    @Test func malformedLinesNameTheLineAndTheExpectedForm() {
        let cases: [(String, String)] = [
            ("hub_url = a\njust words", "no '='"),
            ("hub_url = a\n= value", "missing setting name"),
            ("hub_url = a\nhub url = x", "may only contain"),
            ("hub_url = a\ndata_dir = \"open", "no closing quote"),
            ("hub_url = a\ndata_dir = \"a\" b", "after the closing quote"),
            ("hub_url = a\ndata_dir = \"a\\nb\"", "unknown escape"),
            ("hub_url = a\ndata_dir = a\u{1B}b", "control character U+001B"),
        ]
        for (text, fragment) in cases {
            guard let error = failure(text) else { continue }
            #expect(error.code == .malformedLine, "\(text.debugDescription)")
            #expect(error.line == 2, "\(text.debugDescription)")
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(error.description.hasPrefix("\(Self.path):2: "))
            #expect(error.description.contains("expected 'key = value'"), "\(error.description)")
        }
    }

    @Test func aNulByteIsNotText() {
        #expect(failure("hub_url = a\u{0}b")?.code == .notText)
    }

    @Test func unknownKeysNameTheLineAndListTheKnownSettingsSorted() {
        let error = failure("# header\n\nhub_url = x\ninterva = 60s", keys: ["interval", "hub_url", "ca_file"])
        #expect(error?.code == .unknownKey)
        #expect(error?.description
                == "\(Self.path):4: unknown setting 'interva'; known settings are ca_file, hub_url, interval")
    }

    @Test func keysAreCaseSensitive() {
        #expect(failure("HUB_URL = x")?.code == .unknownKey)
    }

    @Test func duplicateKeysAreAnErrorNamingBothLines() {
        let error = failure("interval = 60s\nhub_url = x\ninterval = 90s")
        #expect(error?.code == .duplicateKey)
        #expect(error?.line == 3)
        #expect(error?.message.contains("line 1") == true)
    }

    @Test func emptyTextHasNoSettings() throws {
        #expect(try parse("").keys.isEmpty)
        #expect(try parse("\n\n# only comments\n").keys.isEmpty)
    }

    // MARK: Typed values

    @Test func integersAreCheckedAgainstTheirRange() throws {
        let config = try parse("max_batch_bytes = 262144\ninterval = -3\nhub_url = 12kb\ndata_dir = 99999999999999999999")
        #expect(try config.int("max_batch_bytes", range: 1...1_048_576) == 262_144)
        #expect(try config.int("verbose", range: 0...1) == nil)
        #expect(try config.int("interval", range: -5...5) == -3)
        for key in ["interval", "hub_url", "data_dir"] {
            #expect(throws: ConfigError.self) { try config.int(key, range: 0...10) }
        }
        do {
            _ = try config.int("max_batch_bytes", range: 1...1024)
            Issue.record("out-of-range integer accepted")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.description == "\(Self.path):1: max_batch_bytes: expected an integer from 1 to 1024, got '262144'")
        }
    }

    @Test func durationsTakeSecondsMinutesHoursAndDays() throws {
        let config = try parse("interval = 30s\nhub_url = 5m\ndata_dir = 2h\nmax_batch_bytes = 1d\nverbose = 0s")
        #expect(try config.duration("interval") == .seconds(30))
        #expect(try config.duration("hub_url") == .seconds(300))
        #expect(try config.duration("data_dir") == .seconds(7200))
        #expect(try config.duration("max_batch_bytes") == .seconds(86_400))
        #expect(try config.duration("verbose") == .zero)
    }

    @Test func malformedDurationsAreRejected() throws {
        for bad in ["30", "s", "1.5m", "-5s", "+5s", "5 m", "5M", "5w", "1ms", "٣s", "9999999999999999999d", "106751991167301d"] {
            let config = try parse("interval = \"\(bad)\"")
            #expect(throws: ConfigError.self, "\(bad)") { try config.duration("interval") }
        }
    }

    @Test func durationRangesAreCheckedAndSpelledInTheFileFormat() throws {
        let config = try parse("interval = 90s")
        #expect(try config.duration("interval", range: .seconds(10)...(.seconds(3600))) == .seconds(90))
        do {
            _ = try config.duration("interval", range: .seconds(120)...(.seconds(86_400)))
            Issue.record("out-of-range duration accepted")
        } catch {
            #expect(error.line == 1)
            #expect(error.message == "interval: expected a duration such as 30s, 5m, 2h or 1d from 2m to 1d, got '90s'")
        }
    }

    @Test func booleansAcceptTheUsualSpellings() throws {
        for (text, expected) in [("true", true), ("Yes", true), ("ON", true), ("false", false), ("no", false), ("off", false)] {
            #expect(try parse("verbose = \(text)").bool("verbose") == expected)
        }
        for bad in ["1", "0", "y", "enabled", ""] {
            let config = try parse("verbose = \"\(bad)\"")
            #expect(throws: ConfigError.self, "\(bad)") { try config.bool("verbose") }
        }
        #expect(try parse("").bool("verbose") == nil)
    }

    // MARK: Files

    @Test func loadReadsAFile() throws {
        let scratch = try ToolkitScratchDirectory()
        let file = scratch.path + "/node.conf"
        try "hub_url = https://hub/\ninterval = 1m\n".write(toFile: file, atomically: false, encoding: .utf8)
        let config = try ConfigFile.load(path: file, allowedKeys: Self.keys)
        #expect(config.path == file)
        #expect(try config.duration("interval") == .seconds(60))
    }

    @Test func aMissingFileIsAClearError() throws {
        let scratch = try ToolkitScratchDirectory()
        for path in [scratch.path + "/absent.conf", scratch.path + "/absent/dir/x.conf"] {
            do {
                _ = try ConfigFile.load(path: path, allowedKeys: Self.keys)
                Issue.record("missing file loaded")
            } catch {
                #expect(error.code == .fileNotFound)
                #expect(error.description == "\(path): configuration file not found")
                #expect(error.cliError.hint?.contains("--config") == true)
            }
        }
    }

    @Test func aDirectoryIsUnreadable() throws {
        let scratch = try ToolkitScratchDirectory()
        #expect(throws: ConfigError(code: .unreadable, path: scratch.path, line: nil,
                                    message: "cannot read configuration file: Is a directory")) {
            try ConfigFile.load(path: scratch.path, allowedKeys: Self.keys)
        }
    }

    @Test func filesOver64KiBAreRefusedAndOneAtTheLimitIsRead() throws {
        let scratch = try ToolkitScratchDirectory()
        let file = scratch.path + "/big.conf"
        let comment = "#" + String(repeating: "x", count: 99) + "\n"  // 101 bytes
        var text = String(repeating: comment, count: ConfigFile.maximumSize / comment.utf8.count)
        text += String(repeating: "#", count: ConfigFile.maximumSize - text.utf8.count)
        #expect(text.utf8.count == ConfigFile.maximumSize)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        #expect(try ConfigFile.load(path: file, allowedKeys: Self.keys).keys.isEmpty)
        try (text + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        #expect(throws: ConfigError.self) { try ConfigFile.load(path: file, allowedKeys: Self.keys) }
        #expect(failure(text + "\n")?.code == .tooLarge)
    }

    @Test func invalidUTF8IsRefused() throws {
        let scratch = try ToolkitScratchDirectory()
        let file = scratch.path + "/latin1.conf"
        try Data([0x68, 0x75, 0x62, 0x5F, 0x75, 0x72, 0x6C, 0x3D, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: file))
        do {
            _ = try ConfigFile.load(path: file, allowedKeys: Self.keys)
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect(error.code == .notText)
        }
    }
}
