import Foundation
import JSON

/// Runs the built `fieldnode` and `missionhub` executables as real processes, for the sync
/// end-to-end tests.
///
/// - Every process is started from a fresh thread whose signal mask is cleared first
///   (`blocking`, NodeProcessSupport.swift): a Dispatch thread blocks nearly every signal, and
///   a child inherits the mask.
/// - Waiting (for an exit, for a log line) happens on such threads, never on Swift's shared
///   async threads, and every wait is bounded: a hung child is killed with SIGKILL
///   (`waitForExit`) and the outcome says so.
/// - Output goes to files, not pipes, so no child can stall on a full pipe.
enum SyncProcess {
    /// The executable `name` built next to this package (`<NAME>_BINARY` overrides, e.g.
    /// `MISSIONHUB_BINARY`).
    static func binary(_ name: String) throws -> String {
        var candidates: [String] = []
        if let given = ProcessInfo.processInfo.environment[name.uppercased() + "_BINARY"] { candidates.append(given) }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(name).path)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name).path)
        // Tests/EndToEndTests/SyncProcess.swift → <package>/.build/debug/NAME
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/" + name).path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ProcessTestError("the \(name) executable was not found (looked in \(candidates)); run `swift build` first")
        }
        return found
    }

    /// Starts `binary ARGS` with stdin from /dev/null and stdout and stderr appended to the
    /// given files. Call it from a `blocking` thread (NodeProcessSupport.swift), so that the child
    /// starts with no signal blocked.
    static func launch(_ binary: String, _ arguments: [String], stdout: String, stderr: String,
                       environment: [String: String] = [:]) throws -> Process {
        for path in [stdout, stderr] where !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ProcessTestError("cannot create \(path)")
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, extra in extra }
        }
        process.standardInput = FileHandle.nullDevice
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
        let err = stdout == stderr ? out : try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        out.seekToEndOfFile()
        err.seekToEndOfFile()
        process.standardOutput = out
        process.standardError = err
        defer {
            try? out.close()  // the child holds its own copies; a failed close of ours changes nothing
            if stdout != stderr { try? err.close() }
        }
        try process.run()
        return process
    }

    /// Runs `binary ARGS` to completion (at most `timeout` seconds) and collects its output.
    static func run(_ binary: String, _ arguments: [String], timeout: Double = 30,
                    environment: [String: String] = [:]) async throws -> SyncOutcome {
        try await blocking {
            let base = NSTemporaryDirectory() + "fieldsync-e2e-run-" + UUID().uuidString
            let outPath = base + ".out", errPath = base + ".err"
            defer {
                try? FileManager.default.removeItem(atPath: outPath)  // best effort: a leftover temp file is harmless
                try? FileManager.default.removeItem(atPath: errPath)
            }
            let process = try launch(binary, arguments, stdout: outPath, stderr: errPath, environment: environment)
            let finished = waitForExit(process, seconds: timeout)
            let command = ([URL(fileURLWithPath: binary).lastPathComponent] + arguments).joined(separator: " ")
            return SyncOutcome(command: command, status: process.terminationStatus,
                               signalled: process.terminationReason == .uncaughtSignal, timedOut: !finished,
                               stdout: readText(outPath), stderr: readText(errPath))
        }
    }

    /// The file's text, or "" when it cannot be read.
    static func readText(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// What a finished command left.
struct SyncOutcome: Sendable, CustomStringConvertible {
    let command: String
    let status: Int32
    let signalled: Bool
    let timedOut: Bool
    let stdout: String
    let stderr: String

    var succeeded: Bool { status == 0 && !signalled && !timedOut }

    var description: String {
        let how = timedOut ? " (timed out, killed)" : signalled ? " (killed by signal \(status))" : ""
        return "`\(command)` exited \(status)\(how)\nstdout: \(stdout.suffix(1500))\nstderr: \(stderr.suffix(1500))"
    }

    /// stdout parsed as JSON; throws with the whole outcome when the command failed.
    func json() throws -> JSONValue {
        guard succeeded else { throw ProcessTestError("command failed: \(self)") }
        return try JSON.parse(stdout, limits: JSONLimits(maxBytes: 64 << 20))
    }
}

