import Foundation
import Testing
@testable import Toolkit

@Suite struct ToolkitLoggerTests {
    @Test func priorityPrefixesAndSortedMetadata() {
        let capture = LogCapture()
        let logger = Logger(minimumLevel: .debug, sink: capture.sink)
        logger.error("store failed", ["code": "SQLITE_FULL"])
        logger.warning("clock skew", ["seconds": "40"])
        logger.notice("daemon started")
        logger.info("sync finished", ["pushed": "12", "pulled": "3"])
        logger.debug("batch sent", ["size": "50"])
        #expect(capture.lines == [
            "<3>store failed code=SQLITE_FULL",
            "<4>clock skew seconds=40",
            "<5>daemon started",
            "<6>sync finished pulled=3 pushed=12",
            "<7>batch sent size=50",
        ])
    }

    @Test func minimumLevelDropsLessSevereEvents() {
        let capture = LogCapture()
        let logger = Logger(minimumLevel: .notice, sink: capture.sink)
        logger.info("hidden")
        logger.debug("hidden")
        logger.notice("shown")
        logger.error("shown too")
        #expect(capture.lines == ["<5>shown", "<3>shown too"])
        #expect(logger.isEnabled(.warning) && !logger.isEnabled(.info))
        #expect(logger.withMinimumLevel(.debug).isEnabled(.debug))
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("", #""""#),
        ("two words", #""two words""#),
        ("a=b", #""a=b""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"C:\path"#, #""C:\\path""#),
        ("line1\nline2", #""line1\nline2""#),
        ("cr\rtab\t", #""cr\rtab\t""#),
        ("bell\u{07}", #""bell\u{0007}""#),
        ("sep\u{2028}", #""sep\u{2028}""#),
        ("nbsp\u{A0}x", "\"nbsp\u{A0}x\""),
        ("Zoé-ñ_1.2", "Zoé-ñ_1.2"),
    ])
    func valuesAreQuotedAndEscapedOnlyWhenNeeded(value: String, expected: String) {
        #expect(LogLineFormat.formattedValue(value) == expected)
    }

    @Test func oneEventIsAlwaysOneLine() {
        let capture = LogCapture()
        let logger = Logger(sink: capture.sink)
        logger.info("multi\nline message", ["bad key=\n": "x\ny", "k": "\r\n"])
        #expect(capture.lines == [#"<6>multi\nline message bad_key__="x\ny" k="\r\n""#])
        #expect(!capture.lines[0].contains("\n"))
    }

    @Test func keysAreSanitizedAndLongValuesCut() {
        #expect(LogLineFormat.sanitizedKey("peer.id-2_x") == "peer.id-2_x")
        #expect(LogLineFormat.sanitizedKey("a b\"é") == "a_b__")
        #expect(LogLineFormat.sanitizedKey("") == "_")
        let long = String(repeating: "a", count: Logger.maxValueLength + 10)
        #expect(LogLineFormat.formattedValue(long) == String(repeating: "a", count: Logger.maxValueLength) + "…")
    }

    @Test func loggerMetadataComesFirstAndEventKeysReplaceIt() {
        let capture = LogCapture()
        let logger = Logger(sink: capture.sink).with(["component": "sync"]).with(["peer": "hub"])
        logger.info("batch acknowledged", ["seq": "7", "peer": "relay"])
        logger.info("idle")
        #expect(capture.lines == [
            "<6>batch acknowledged component=sync peer=relay seq=7",
            "<6>idle component=sync peer=hub",
        ])
    }

    @Test func levelNamesParse() {
        #expect(Logger.Level(name: "WARNING") == .warning)
        #expect(Logger.Level(name: "debug") == .debug)
        #expect(Logger.Level(name: "verbose") == nil)
        #expect(Logger.Level.error < Logger.Level.debug)
    }

    @Test func concurrentEventsStayWholeLines() async {
        let capture = LogCapture()
        let logger = Logger(sink: capture.sink)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for event in 0..<50 { logger.info("tick", ["task": "\(task)", "event": "\(event)"]) }
                }
            }
        }
        let lines = capture.lines
        #expect(lines.count == 400)
        #expect(lines.allSatisfy { $0.hasPrefix("<6>tick event=") && $0.contains(" task=") })
    }

    @Test func fileDescriptorSinkWritesWholeLines() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let logger = Logger(sink: .fileDescriptor(fds[1]))
        logger.warning("disk nearly full", ["free": "1 MB"])
        logger.info("ok")
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: false).readDataToEndOfFile()
        #expect(String(decoding: data, as: UTF8.self) == "<4>disk nearly full free=\"1 MB\"\n<6>ok\n")
    }

    @Test func disabledLoggerWritesNothing() {
        Logger.disabled.error("nothing")
        #expect(!Logger.disabled.isEnabled(.warning))
    }
}
