import Foundation
import Testing

/// The two units pass `systemd-analyze verify` and score an exposure of at most 2.0 in
/// `systemd-analyze security --offline=true`; their settings agree with each other and with the
/// sysusers.d file.
@Suite struct SystemdUnitTests {
    static let units = ["fieldnode", "missionhub"]
    static let exposureLimit = 2.0

    private static let noSystemdAnalyze = "systemd-analyze is not installed (Debian package systemd)"

    private func unit(_ name: String) throws -> UnitFile {
        UnitFile(name: name, text: try DeployFiles.text("\(name).service"))
    }

    // MARK: systemd-analyze verify

    /// `verify` checks that ExecStart's binary exists, so it runs on a copy whose binary is
    /// /bin/true (arguments kept). It exits 0 even for unknown keys or bad values, which it only
    /// prints: any output at all is a failure.
    private func verify(_ text: String, name: String) throws -> ProcessResult {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("\(name).service", text)
        return try Tool.run(Tool.systemdAnalyze!, ["verify", "--man=false", file], in: scratch)
    }

    @Test(.enabled(if: Tool.systemdAnalyze != nil, Comment(rawValue: noSystemdAnalyze)), arguments: units)
    func verifyPasses(_ name: String) throws {
        let result = try verify(try unit(name).withExecStartBinary("/bin/true"), name: name)
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.output.isEmpty && result.errorOutput.isEmpty, "\(result.transcript)")
    }

    @Test(.enabled(if: Tool.systemdAnalyze != nil, Comment(rawValue: noSystemdAnalyze)))
    func verifyCatchesAMisspelledSetting() throws {
        let broken = try unit("fieldnode").withExecStartBinary("/bin/true")
            .replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSytem=strict")
        let result = try verify(broken, name: "fieldnode")
        #expect(result.errorOutput.contains("ProtectSytem"), "\(result.transcript)")
    }

    // MARK: systemd-analyze security

    /// The overall exposure from `security --offline=true` (the last line:
    /// "→ Overall exposure level for X.service: 1.1 OK 🙂").
    private func exposure(ofUnitAt path: String, in scratch: ScratchDirectory) throws -> Double? {
        let result = try Tool.run(Tool.systemdAnalyze!, ["security", "--offline=true", "--no-pager", path], in: scratch)
        let marker = "Overall exposure level for "
        guard let line = result.output.split(separator: "\n").last(where: { $0.contains(marker) }),
              let colon = line.lastIndex(of: ":"),
              let figure = line[line.index(after: colon)...].split(separator: " ").first.flatMap({ Double($0) })
        else {
            Issue.record("no exposure figure in the output of systemd-analyze security:\n\(result.transcript)")
            return nil
        }
        return figure
    }

    @Test(.enabled(if: Tool.systemdAnalyze != nil, Comment(rawValue: noSystemdAnalyze)), arguments: units + ["missionhub-backup"])
    func exposureIsAtMostTwo(_ name: String) throws {
        let scratch = try ScratchDirectory()
        guard let figure = try exposure(ofUnitAt: DeployFiles.path("\(name).service"), in: scratch) else { return }
        Tool.report("\(name).service exposure \(figure) (limit \(Self.exposureLimit))")
        #expect(figure <= Self.exposureLimit, "\(name).service exposure \(figure) is above \(Self.exposureLimit)")
    }

    @Test(.enabled(if: Tool.systemdAnalyze != nil, Comment(rawValue: noSystemdAnalyze)))
    func anUnhardenedUnitScoresAboveTheLimit() throws {
        let scratch = try ScratchDirectory()
        let plain = try scratch.write("plain.service", "[Service]\nExecStart=/bin/true\n")
        let figure = try exposure(ofUnitAt: plain, in: scratch)
        #expect((figure ?? 0) > Self.exposureLimit, "the exposure parser or the limit cannot fail")
    }

    // MARK: Settings the rest of fieldsync relies on

    @Test(arguments: units)
    func serviceContract(_ name: String) throws {
        let unit = try unit(name)
        let verb = name == "fieldnode" ? "daemon" : "serve"
        #expect(unit.value("ExecStart") == "/usr/local/bin/\(name) \(verb) --config /etc/fieldsync/\(name).conf")
        #expect(unit.value("Type") == "notify")
        #expect(unit.value("ExecReload") == "/bin/kill -HUP $MAINPID")
        #expect(unit.value("WatchdogSec") == "60")
        #expect(unit.value("Restart") == "on-failure")
        #expect(unit.value("TimeoutStopSec") == "10")
        #expect(unit.value("ConfigurationDirectory") == "fieldsync")
        #expect(unit.value("StateDirectory") == "fieldsync/\(name == "fieldnode" ? "node" : "hub")")
        #expect(unit.value("StateDirectoryMode") == "0700")
        #expect(unit.value("UMask") == "0077")
        #expect(unit.value("User") == name && unit.value("Group") == name)
        #expect(unit.value("WantedBy", in: "Install") == "multi-user.target")
    }

    @Test func theNodeCanReachTheNetworkAndTheHubCannot() throws {
        let node = try unit("fieldnode"), hub = try unit("missionhub")
        #expect(node.value("PrivateNetwork") == nil)
        #expect(node.value("RestrictAddressFamilies") == "AF_UNIX AF_INET AF_INET6")
        #expect(hub.value("PrivateNetwork") == "yes")
        #expect(hub.value("RestrictAddressFamilies") == "AF_UNIX")
        #expect(hub.value("IPAddressDeny") == "any")
        #expect(hub.value("RuntimeDirectory") == "fieldsync")
        #expect(hub.value("RuntimeDirectoryMode") == "0750")
    }

    /// Blocked system calls must fail with EPERM rather than kill the process: libdispatch calls
    /// setpriority(2), which ~@resources denies, on every worker thread.
    @Test(arguments: units)
    func systemCallFilterReturnsEPERM(_ name: String) throws {
        let unit = try unit(name)
        #expect(unit.values("SystemCallFilter") == ["@system-service", "~@privileged @resources"])
        #expect(unit.value("SystemCallErrorNumber") == "EPERM")
    }

    // MARK: Users

    private static let noSysusers = "systemd-sysusers is not installed (Debian package systemd)"

    @Test(.enabled(if: Tool.systemdSysusers != nil, Comment(rawValue: noSysusers)))
    func sysusersCreatesTheUsersAndTheOperatorsGroup() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path + "/root/etc", withIntermediateDirectories: true)
        let result = try Tool.run(Tool.systemdSysusers!,
                                  ["--root=\(scratch.path)/root", DeployFiles.path("sysusers.d/fieldsync.conf")], in: scratch)
        #expect(result.status == 0, "\(result.transcript)")
        let passwd = try String(contentsOfFile: scratch.path + "/root/etc/passwd", encoding: .utf8)
        let group = try String(contentsOfFile: scratch.path + "/root/etc/group", encoding: .utf8)
        for name in Self.units {
            let user = try unit(name).value("User") ?? ""
            let entry = passwd.split(separator: "\n").first { $0.hasPrefix("\(user):") }
            #expect(entry?.hasSuffix("/nologin") == true, "\(passwd)")
            #expect(group.split(separator: "\n").contains { $0.hasPrefix("\(user):") }, "\(group)")
        }
        #expect(group.split(separator: "\n").contains { $0.hasPrefix("fieldsync-operators:") }, "\(group)")
    }
}
