import Foundation
import Testing
@testable import Toolkit

@Suite struct ToolkitDataDirectoryTests {
    private static let sub = "fieldsync/node"
    private static let envVar = "FIELDNODE_DATA_DIR"

    private func resolve(_ flag: String?, _ environment: [String: String]) -> String {
        DataDirectory.resolve(flag: flag, environment: environment, envVar: Self.envVar, fallbackSubpath: Self.sub)
    }

    @Test func resolutionOrder() {
        var environment = [
            "FIELDNODE_DATA_DIR": "/env/node",
            "STATE_DIRECTORY": "/var/lib/fieldsync/node",
            "XDG_DATA_HOME": "/home/op/.data",
            "HOME": "/home/op",
        ]
        #expect(resolve("/flag/dir", environment) == "/flag/dir")
        #expect(resolve("", environment) == "/env/node")
        #expect(resolve(nil, environment) == "/env/node")
        environment["FIELDNODE_DATA_DIR"] = ""
        #expect(resolve(nil, environment) == "/var/lib/fieldsync/node")
        environment["STATE_DIRECTORY"] = nil
        #expect(resolve(nil, environment) == "/home/op/.data/fieldsync/node")
        environment["XDG_DATA_HOME"] = nil
        #expect(resolve(nil, environment) == "/home/op/.local/share/fieldsync/node")
    }

    @Test func stateDirectoryTakesTheFirstOfSeveralPaths() {
        #expect(resolve(nil, ["STATE_DIRECTORY": "/var/lib/a:/var/lib/b"]) == "/var/lib/a")
    }

    @Test func relativeXdgDataHomeIsIgnoredAndSlashesAreJoinedCleanly() {
        #expect(resolve(nil, ["XDG_DATA_HOME": "relative", "HOME": "/home/op/"]) == "/home/op/.local/share/fieldsync/node")
        #expect(resolve(nil, ["XDG_DATA_HOME": "/x/"]) == "/x/fieldsync/node")
        #expect(resolve(nil, ["HOME": "/"]) == "/.local/share/fieldsync/node")
    }

    @Test func withoutHomeThePasswordDatabaseIsUsed() {
        let path = resolve(nil, [:])
        #expect(path.hasPrefix("/") && path.hasSuffix("/.local/share/fieldsync/node"))
    }

    @Test func prepareCreatesMissingParentsWithMode0700() throws {
        let scratch = try ToolkitScratchDirectory()
        let path = scratch.path + "/a/b/node"
        try DataDirectory.prepare(path)
        #expect(try mode(of: path) == 0o700)
        #expect(try mode(of: scratch.path + "/a") == 0o700)
        #expect(try mode(of: scratch.path + "/a/b") == 0o700)
        try DataDirectory.prepare(path)
        #expect(try mode(of: path) == 0o700)
    }

    @Test func prepareTightensALooseDirectoryWeOwn() throws {
        let scratch = try ToolkitScratchDirectory()
        let path = scratch.path + "/loose"
        #expect(mkdir(path, 0o755) == 0 && chmod(path, 0o775) == 0)
        try DataDirectory.prepare(path)
        #expect(try mode(of: path) == 0o700)
    }

    @Test func aFileWhereTheDirectoryShouldBeIsAClearError() throws {
        let scratch = try ToolkitScratchDirectory()
        let path = scratch.path + "/file"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        #expect(throws: DataDirectoryError.notADirectory(path)) { try DataDirectory.prepare(path) }
        let below = prepareError(path + "/below")
        #expect(below?.code == .parentNotADirectory)
        #expect(below?.message == "cannot create data directory \(path)/below: \(path) is not a directory")
        #expect(DataDirectoryError.notADirectory(path).cliError.description == """
            error: data directory \(path) exists but is not a directory
            hint: remove or rename it, or choose another with --data-dir
            """)
    }

    /// Root bypasses permission checks, so these only run as an ordinary user.
    @Test(.enabled(if: geteuid() != 0, "root bypasses permission checks"))
    func unwritableDirectoriesAreReportedWithWhatToDo() throws {
        let scratch = try ToolkitScratchDirectory()
        let locked = scratch.path + "/locked"
        #expect(mkdir(locked, 0o500) == 0)
        defer { chmod(locked, 0o700) }
        let user = SystemCall.effectiveUserName()
        #expect(throws: DataDirectoryError.notWritable(locked, user: user)) { try DataDirectory.prepare(locked) }
        #expect(DataDirectoryError.notWritable(locked, user: user).description
            == "data directory \(locked) is not writable by user \(user); choose another with --data-dir or fix its permissions")
        let inside = prepareError(locked + "/node")
        #expect(inside?.code == .cannotCreate)
        #expect(inside?.message == "cannot create data directory \(locked)/node: \(locked) is not writable by user \(user)")
    }

    @Test func errorMessagesNameThePathAndWhatToDo() {
        let error = DataDirectoryError.notWritable("/x", user: "field")
        #expect(error.description == "data directory /x is not writable by user field; choose another with --data-dir or fix its permissions")
        #expect(error.cliError.exitCode == .userError)
    }

    /// The error `prepare` throws for `path`, or nil (recorded as an issue) when it succeeds.
    private func prepareError(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> DataDirectoryError? {
        do {
            try DataDirectory.prepare(path)
            Issue.record("prepare(\(path)) succeeded", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    private func mode(of path: String) throws -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else {
            Issue.record("cannot stat \(path)")
            throw ToolkitTestFailure()
        }
        return info.st_mode & 0o7777
    }
}

/// A fresh directory under the system temporary directory, removed when released.
final class ToolkitScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("toolkit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
