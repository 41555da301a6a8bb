import Foundation
import Testing

/// The repository's Deploy/ directory and the files in it, found from this source file.
enum DeployFiles {
    static let deployDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // DeployTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("Deploy")

    static func path(_ relative: String) -> String {
        deployDirectory.appendingPathComponent(relative).path
    }

    /// The text of `Deploy/<relative>`; records an issue and throws when it cannot be read.
    static func text(_ relative: String) throws -> String {
        do {
            return try String(contentsOfFile: path(relative), encoding: .utf8)
        } catch {
            Issue.record("cannot read Deploy/\(relative): \(error)")
            throw error
        }
    }
}

/// What a finished child process left behind.
struct ProcessResult {
    let status: Int32
    let output: String
    let errorOutput: String

    /// stdout and stderr together, for messages.
    var transcript: String { "status \(status)\nstdout:\n\(output)\nstderr:\n\(errorOutput)" }
}

/// Running the tools the deployment is checked with (systemd-analyze, nginx, openssl).
enum Tool {
    /// The absolute path of `name` in `$PATH` (plus the sbin directories, where nginx lives),
    /// or nil when it is not installed.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let systemdAnalyze = find("systemd-analyze")
    static let systemdSysusers = find("systemd-sysusers")
    static let nginx = find("nginx")
    static let openssl = find("openssl")

    /// Runs `executable` with `arguments` to completion, capturing its output through files in
    /// `scratch` (pipes could fill up and block the child while we wait for it). `environment`
    /// is added to this process's own.
    static func run(_ executable: String, _ arguments: [String], in scratch: ScratchDirectory,
                    environment: [String: String] = [:]) throws -> ProcessResult {
        let id = UUID().uuidString
        let outURL = URL(fileURLWithPath: scratch.path + "/\(id).out")
        let errURL = URL(fileURLWithPath: scratch.path + "/\(id).err")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus,
                             output: try String(contentsOf: outURL, encoding: .utf8),
                             errorOutput: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Writes a line to the test's stderr: figures the tests measure (exposure levels), kept in
    /// the test log on purpose.
    static func report(_ line: String) {
        FileHandle.standardError.write(Data("DeployTests: \(line)\n".utf8))
    }
}

/// A fresh directory under the system temporary directory, removed when released.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
