import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The real `fieldnode` binary: concurrent writers, Ctrl-C during `report new`, a read-only
/// data directory.
@Suite struct NodeProcessTests {
    private func initialised() async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let dataDir = directory.path + "/data"
        let result = try await NodeProcess.run(["init", "--mission", "MINUSCA", "--node-name", "e2e", "--data-dir", dataDir,
                                                     "--mission-file", try TestMissionFile.write(to: directory.path + "/mission.json")])
        try #require(result.status == 0, "\(result.stderr)")
        return (directory, dataDir)
    }

    @Test func twoWritersAtOnceBothSucceedOrOneIsToldTheStoreIsBusy() async throws {
        let (directory, dataDir) = try await initialised()
        _ = directory
        async let first = NodeProcess.run(["debug", "burst", "--count", "25", "--seed", "1", "--data-dir", dataDir])
        async let second = NodeProcess.run(["debug", "burst", "--count", "25", "--seed", "2", "--data-dir", dataDir])
        let outcomes = try await [first, second]
        var printed = Set<String>()
        for outcome in outcomes {
            let refs = outcome.stdout.split(separator: "\n").map(String.init)
            printed.formUnion(refs)
            if outcome.status == 0 {
                #expect(refs.count == 25)
            } else {
                #expect(outcome.status == 1)
                #expect(outcome.stderr.contains("error: the store is busy: another fieldnode process is writing to it; nothing was changed"))
            }
        }
        let store = try await StoreInspection.inspect(dataDir: dataDir)
        #expect(store.integrity == ["ok"] && store.problems.isEmpty)
        #expect(store.refs == printed)
        #expect(store.reportCount == printed.count)
        #expect(store.incomplete.isEmpty)
        #expect(store.gapless && store.ownOps > 0)
    }

    @Test func ctrlCDuringReportNewSavesNothing() async throws {
        let (directory, dataDir) = try await initialised()
        _ = directory
        let before = try await StoreInspection.inspect(dataDir: dataDir).state
        let binary = try NodeProcess.binary()
        let (exited, status, stderr) = try await blocking { () throws -> (Bool, Int32, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["report", "new", "--data-dir", dataDir]
            let input = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            try input.fileHandleForWriting.write(contentsOf: Data("\n1\n".utf8))
            var text = ""
            while !text.contains("When was the report received?") {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            kill(process.processIdentifier, SIGINT)
            let exited = waitForExit(process, seconds: 10)
            text += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            try input.fileHandleForWriting.close()
            return (exited, process.terminationStatus, text)
        }
        #expect(exited, "report new did not end on SIGINT")
        #expect(status == 130)
        #expect(stderr.hasSuffix("\ncancelled; nothing was saved\n"))
        #expect(try await StoreInspection.inspect(dataDir: dataDir).state == before)
    }

    @Test func realBinaryRoundTrip() async throws {
        let (directory, dataDir) = try await initialised()
        _ = directory
        let added = try await NodeProcess.run(["--data-dir", dataDir, "report", "add", "--json", "-"], stdin: NodeKillTests.report)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("saved MINUSCA-"))
        let listed = try await NodeProcess.run(["report", "list", "--data-dir", dataDir])
        #expect(listed.stdout.hasPrefix("REFERENCE"))
        #expect(listed.stdout.contains("(sealed)") && !listed.stdout.contains("Bria"), "the area is sealed: \(listed.stdout)")
        let usage = try await NodeProcess.run(["report", "lst"])
        #expect(usage.status == 64)
        #expect(usage.stderr.hasPrefix("error: unknown subcommand 'lst' for 'fieldnode report'; did you mean 'list'?\nUsage: "))
    }

    /// Root writes through any permission, so the read-only case runs the binary as `nobody`
    /// with setpriv; without setpriv or a `nobody` user the test is skipped with the reason.
    @Test func aReadOnlyDataDirectoryIsAClearErrorAndChangesNothing() async throws {
        let (directory, dataDir) = try await initialised()
        let store = dataDir + "/node.sqlite"
        let reportFile = directory.path + "/report.json"
        try Data(NodeKillTests.report.utf8).write(to: URL(fileURLWithPath: reportFile))
        chmod(reportFile, 0o644)
        let added = try await NodeProcess.run(["report", "add", "--json", reportFile, "--data-dir", dataDir])
        try #require(added.status == 0)
        guard let prefix = try await Self.asNobody() else { return }
        // The node belongs to nobody, as it would to its service user.
        for path in [dataDir, store, dataDir + "/mission.json"] { #expect(chown(path, 65534, 65534) == 0) }
        let before = try await StoreInspection.inspect(dataDir: dataDir).state

        chmod(dataDir, 0o500)
        let readOnlyDirectory = try await NodeProcess.run(["report", "add", "--json", reportFile, "--data-dir", dataDir], prefix: prefix)
        #expect(readOnlyDirectory.status == 1)
        #expect(readOnlyDirectory.stderr == """
            error: the data directory \(dataDir) is not writable by user nobody; nothing was changed
            hint: fix its permissions (it should belong to nobody, mode 0700) or choose another with --data-dir

            """)
        chmod(dataDir, 0o700)
        chmod(store, 0o400)
        let readOnlyStore = try await NodeProcess.run(["report", "add", "--json", reportFile, "--data-dir", dataDir], prefix: prefix)
        #expect(readOnlyStore.status == 1)
        #expect(readOnlyStore.stderr.hasPrefix("error: the store \(store) is not writable by user nobody; nothing was changed\n"))
        chmod(store, 0o600)
        #expect(try await StoreInspection.inspect(dataDir: dataDir).state == before)
        // With the permissions right again, nobody can add the report.
        let fixed = try await NodeProcess.run(["report", "add", "--json", reportFile, "--data-dir", dataDir], prefix: prefix)
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    /// The command prefix that runs a program as `nobody`, or nil (with the reason recorded)
    /// when that is not possible here.
    static func asNobody() async throws -> [String]? {
        guard getuid() == 0 else {
            print("skipped the nobody check: not running as root; chmod alone makes the directory read-only")
            return nil
        }
        guard let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile),
              getpwnam("nobody") != nil else {
            print("skipped: setpriv or the nobody user is missing, and root writes through any permission")
            return nil
        }
        let group = getgrnam("nogroup") != nil ? "nogroup" : "nobody"
        let prefix = [setpriv, "--reuid=nobody", "--regid=\(group)", "--clear-groups"]
        let probe = try await NodeProcess.run(["--help"], prefix: prefix)
        guard probe.status == 0 else {
            print("skipped: fieldnode cannot run as nobody here (\(probe.stderr))")
            return nil
        }
        return prefix
    }
}
