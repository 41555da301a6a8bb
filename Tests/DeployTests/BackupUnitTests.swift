import Foundation
import Testing

/// missionhub-backup.service and .timer: they pass `systemd-analyze verify`, the service is as
/// hardened as the hub, and its commands, run as systemd would run them, back up the reports
/// and the registry and delete only backups older than KEEP_DAYS.
@Suite struct BackupUnitTests {
    private static let noSystemdAnalyze = "systemd-analyze is not installed (Debian package systemd)"
    private static let noTools = "make or sqlite3 is not installed (Debian packages make, sqlite3)"

    private func service() throws -> UnitFile {
        UnitFile(name: "missionhub-backup.service", text: try DeployFiles.text("missionhub-backup.service"))
    }

    @Test(.enabled(if: Tool.systemdAnalyze != nil, Comment(rawValue: noSystemdAnalyze)))
    func serviceAndTimerVerify() throws {
        let scratch = try ScratchDirectory()
        let service = try scratch.write("missionhub-backup.service", try DeployFiles.text("missionhub-backup.service"))
        let timer = try scratch.write("missionhub-backup.timer", try DeployFiles.text("missionhub-backup.timer"))
        let result = try Tool.run(Tool.systemdAnalyze!, ["verify", "--man=false", service, timer], in: scratch)
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.output.isEmpty && result.errorOutput.isEmpty, "\(result.transcript)")
    }

    @Test func serviceRunsAsTheHubInItsSandbox() throws {
        let backup = try service()
        let hub = UnitFile(name: "missionhub.service", text: try DeployFiles.text("missionhub.service"))
        #expect(backup.value("Type") == "oneshot")
        #expect(backup.value("User") == "missionhub" && backup.value("Group") == "missionhub")
        #expect(backup.value("StateDirectory") == hub.value("StateDirectory"))
        #expect(backup.value("ReadWritePaths") == "/var/backups/fieldsync")
        for key in ["ProtectSystem", "ProtectHome", "PrivateUsers", "PrivateNetwork", "RestrictAddressFamilies",
                    "IPAddressDeny", "MemoryDenyWriteExecute", "SystemCallErrorNumber", "UMask", "CapabilityBoundingSet"] {
            #expect(backup.value(key) == hub.value(key), "\(key) differs from missionhub.service")
        }
        #expect(backup.values("SystemCallFilter") == hub.values("SystemCallFilter"))
        let timer = UnitFile(name: "missionhub-backup.timer", text: try DeployFiles.text("missionhub-backup.timer"))
        #expect(timer.value("Persistent", in: "Timer") == "true")
        #expect(timer.value("WantedBy", in: "Install") == "timers.target")
    }

    /// The ExecStart= lines run one after another (as a oneshot runs them, stopping at the first
    /// failure) with systemd's escapes undone and the unit's paths moved into a scratch
    /// directory, against a hub initialised by the installed `missionhub`.
    @Test(.enabled(if: Tool.find("make") != nil && Tool.find("sqlite3") != nil, Comment(rawValue: noTools)))
    func commandsBackUpAndKeepOnlyRecentBackups() throws {
        guard case .success(let install) = StaticInstallTests.staged else {
            Issue.record("make install failed; see StaticInstallTests")
            return
        }
        let scratch = try ScratchDirectory()
        let data = scratch.path + "/hub", backups = scratch.path + "/backups"
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        let initialised = try Tool.run(install.binary("missionhub"), ["--data-dir", data, "init", "--mission", "MINUSCA"], in: scratch)
        try #require(initialised.status == 0, "\(initialised.transcript)")

        let day: TimeInterval = 86_400
        let old = ["hub-20200101-023000.sqlite", "registry-20200101-023000.sqlite"]
        let kept = ["hub-20200125-023000.sqlite", "notes.txt", "hub-20200101-023000.sqlite.keep"]
        for (name, age) in old.map({ ($0, 31 * day) }) + kept.map({ ($0, $0.hasPrefix("hub-20200125") ? 29 * day : 60 * day) }) {
            let path = try scratch.write("backups/" + name, "x")
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
        }

        let backup = try service()
        let keepDays = backup.values("Environment").first { $0.hasPrefix("KEEP_DAYS=") }.map { String($0.dropFirst(10)) }
        #expect(keepDays == "30")
        for line in backup.values("ExecStart") {
            let command = line.replacingOccurrences(of: "%%", with: "%").replacingOccurrences(of: "$$", with: "$")
                .replacingOccurrences(of: "${KEEP_DAYS}", with: keepDays ?? "30")
                .replacingOccurrences(of: "/usr/local/bin/missionhub", with: install.binary("missionhub"))
                .replacingOccurrences(of: "/var/lib/fieldsync/hub", with: data)
                .replacingOccurrences(of: "/var/backups/fieldsync", with: backups)
            let words = Self.splitCommandLine(command)
            let result = try Tool.run(words[0], Array(words.dropFirst()), in: scratch)
            try #require(result.status == 0, "\(line):\n\(result.transcript)")
        }

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: backups))
        for name in old { #expect(!left.contains(name), "\(name) is older than 30 days and was kept") }
        for name in kept { #expect(left.contains(name), "\(name) was deleted") }
        let fresh = left.subtracting(kept)
        #expect(fresh.filter { $0.hasPrefix("hub-") && $0.hasSuffix(".sqlite") }.count == 1, "\(left)")
        #expect(fresh.filter { $0.hasPrefix("registry-") && $0.hasSuffix(".sqlite") }.count == 1, "\(left)")
        if let registry = fresh.first(where: { $0.hasPrefix("registry-") }) {
            let check = try Tool.run(Tool.find("sqlite3")!, [backups + "/" + registry, "PRAGMA integrity_check"], in: scratch)
            #expect(check.output == "ok\n", "\(check.transcript)")
        }
    }

    /// systemd's command-line splitting as far as the unit uses it: words separated by spaces,
    /// single quotes keep a word whole.
    static func splitCommandLine(_ line: String) -> [String] {
        var words: [String] = [], word = "", quoted = false, started = false
        for character in line {
            switch character {
            case "'": quoted.toggle(); started = true
            case " " where !quoted:
                if started { words.append(word) }
                word = ""; started = false
            default: word.append(character); started = true
            }
        }
        if started { words.append(word) }
        return words
    }
}
