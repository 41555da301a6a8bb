import Foundation
import Testing

/// `make install` ships binaries that run without the Swift toolchain: the Swift runtime,
/// Foundation and Dispatch are linked in (`--static-swift-stdlib`), and only Debian's C
/// libraries stay shared.
///
/// The tests run the real `make install DESTDIR=.build/install-check/stage PREFIX=/usr/local`,
/// a release build included, because what must hold is a property of the shipped binaries and
/// of the Makefile's flags. No cheaper check is as honest, nor much cheaper: on the shared
/// 2-core machine a cold release build of the two programs took 147 s (165–227 s inside a test
/// run, with other builds competing), a debug build with the same flag 141 s, and an
/// up-to-date one 3 s. It builds in `.build/install-check` (`SCRATCH=`) because `swift test`
/// holds the lock on `.build` while tests run; later runs reuse that build.
///
/// Then the installed `fieldnode` and `missionhub` answer `--help`, initialise a node and a hub
/// store (SQLite, OpenSSL key generation, Foundation's file and date code) and report their
/// status, with the toolchain's root hidden by a bind mount in a private mount namespace
/// (`ToolchainHider`). As a control, this test process itself — linked against the toolchain —
/// must fail to start there, so a hider that hides nothing fails the test. Where mount
/// namespaces are unavailable, that test is skipped and the loader check below still runs.
@Suite(.serialized) struct StaticInstallTests {
    /// The staged installation, made once for the suite.
    static let staged: Result<StagedInstall, StagedInstall.Failure> = StagedInstall.make()

    private static let noMake = "make is not installed"

    private func stage() throws -> StagedInstall {
        switch Self.staged {
        case .success(let install): return install
        case .failure(let failure):
            Issue.record("make install failed: \(failure.description)")
            throw failure
        }
    }

    @Test(.enabled(if: Tool.find("make") != nil, Comment(rawValue: noMake)))
    func installPutsEveryDeployFileInPlace() throws {
        let install = try stage()
        for file in StagedInstall.installedFiles {
            #expect(FileManager.default.fileExists(atPath: install.root + file), "make install did not install \(file)")
        }
        let unit = try String(contentsOfFile: install.root + "/usr/local/lib/systemd/system/missionhub-backup.service", encoding: .utf8)
        #expect(unit.contains("exec /usr/local/bin/missionhub --data-dir /var/lib/fieldsync/hub backup"), "\(unit)")
    }

    /// What the dynamic loader would load (`ldd`, through `LD_TRACE_LOADED_OBJECTS`): Debian's
    /// libraries only, nothing from the toolchain, nothing missing.
    @Test(.enabled(if: Tool.find("make") != nil, Comment(rawValue: noMake)), arguments: ["fieldnode", "missionhub"])
    func installedBinaryLoadsNoToolchainLibrary(_ name: String) throws {
        let install = try stage()
        let scratch = try ScratchDirectory()
        let libraries = try Tool.run(install.binary(name), [], in: scratch, environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        #expect(libraries.status == 0, "\(libraries.transcript)")
        #expect(libraries.output.contains("libsqlite3.so") && libraries.output.contains("libcrypto.so"),
                "the loader trace lacks the C libraries: \(libraries.transcript)")
        let forbidden = ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "not found"]
            + (ToolchainHider.toolchainRoot.map { [$0 + "/"] } ?? [])
        let found = forbidden.filter { libraries.output.contains($0) }
        #expect(found.isEmpty, "\(name) needs \(found.joined(separator: ", ")):\n\(libraries.output)")
    }

    private static let noNamespace = "no mount namespace can hide the toolchain here (unshare --mount needs root with "
        + "CAP_SYS_ADMIN, or unprivileged user namespaces); the reason is printed as `DeployTests: cannot hide the toolchain`"

    @Test(.enabled(if: Tool.find("make") != nil, Comment(rawValue: noMake)),
          .enabled(if: ToolchainHider.unavailableReason == nil, Comment(rawValue: noNamespace)))
    func installedBinariesRunWithTheToolchainHidden() throws {
        let install = try stage()
        let scratch = try ScratchDirectory()
        let hider = try ToolchainHider.prepare(in: scratch).get()

        // The control: a program linked against the toolchain cannot start.
        let control = try hider.run([try selfExecutable(), "--help"], in: scratch)
        #expect(control.status == 127 && control.errorOutput.contains("libswift"),
                "with \(hider.hiddenPath) hidden, this test binary should not find its Swift runtime:\n\(control.transcript)")

        for name in ["fieldnode", "missionhub"] {
            let help = try hider.run([install.binary(name), "--help"], in: scratch)
            #expect(help.status == 0 && help.output.contains(name), "\(name) --help:\n\(help.transcript)")
        }
        let node = scratch.path + "/node", hub = scratch.path + "/hub"
        let steps: [[String]] = [
            [install.binary("fieldnode"), "--data-dir", node, "init", "--mission", "MINUSCA", "--node-name", "bangui-desk-1"],
            [install.binary("fieldnode"), "--data-dir", node, "status"],
            [install.binary("missionhub"), "--data-dir", hub, "init", "--mission", "MINUSCA"],
            [install.binary("missionhub"), "--data-dir", hub, "node", "list"],
        ]
        for step in steps {
            let result = try hider.run(step, in: scratch)
            #expect(result.status == 0, "\(step.dropFirst().joined(separator: " ")):\n\(result.transcript)")
        }
        #expect(FileManager.default.fileExists(atPath: node + "/node.sqlite"))
        #expect(FileManager.default.fileExists(atPath: hub + "/hub.sqlite"))
        Tool.report("installed binaries ran with \(hider.hiddenPath) hidden; make install took \(install.seconds) s")
    }

    /// This process's own executable (the test runner, dynamically linked to the toolchain).
    private func selfExecutable() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
