import Foundation
import JSON
import SQLite
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `fieldnode` executable as a real process.
enum NodeProcess {
    /// The `fieldnode` binary built next to the tests (`FIELDNODE_BINARY` overrides).
    static func binary() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let given = environment["FIELDNODE_BINARY"] { candidates.append(given) }
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("fieldnode").path)
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("fieldnode").path)
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("fieldnode").path)
        // Tests/EndToEndTests/NodeProcessSupport.swift → <package>/.build/debug/fieldnode
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/fieldnode").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ProcessTestError("the fieldnode executable was not found (looked in \(candidates)); run swift build first")
        }
        return found
    }

    /// What a finished process left.
    struct Outcome: Sendable {
        let status: Int32
        let signalled: Bool
        let stdout: String
        let stderr: String
    }

    /// Runs `fieldnode ARGS` to completion with `stdin`, optionally through a command prefix
    /// (`setpriv …`), and collects both outputs.
    static func run(_ arguments: [String], stdin: String = "", prefix: [String] = [],
                    environment: [String: String] = [:]) async throws -> Outcome {
        let binary = try binary()
        return try await blocking {
            let process = Process()
            let command = prefix + [binary] + arguments
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let input = Pipe(), output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            // A hung child fails the test instead of hanging it.
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { kill(pid, SIGKILL) } }
            let writer = input.fileHandleForWriting
            try writer.write(contentsOf: Data(stdin.utf8))
            try writer.close()
            // Read stderr on another thread so neither pipe can fill up and stall the child.
            let collected = Collected()
            let reader = Thread { collected.set(errors.fileHandleForReading.readDataToEndOfFile()) }
            reader.start()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let err = collected.wait()
            return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                           stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        }
    }
}

/// Runs blocking work (process waits, pipe reads) on its own thread, never on Swift's shared
/// async threads. The thread unblocks every signal first: it is created from a Dispatch
/// thread, which blocks nearly all of them, and a child process inherits the mask (a child
/// started with SIGINT and SIGTERM blocked ignores both).
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            continuation.resume(with: Result { try body() })
        }.start()
    }
}

/// Waits up to `seconds` for `process` to end; kills it with SIGKILL and returns false if it
/// does not, so a test fails instead of hanging.
func waitForExit(_ process: Process, seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning, Date() < deadline { usleep(10_000) }
    guard process.isRunning else { return true }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return false
}

/// Data handed from a reader thread to the waiting one.
final class Collected: @unchecked Sendable {
    // @unchecked: `data` is written once under `condition` and read after waiting on it.
    private let condition = NSCondition()
    private var data: Data?

    func set(_ value: Data) {
        condition.lock()
        data = value
        condition.signal()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data ?? Data()
    }
}

struct ProcessTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary directory for one test, removed afterwards.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "fieldnode-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
    }

    deinit {
        // Best effort: a temporary directory left behind is harmless.
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A node store after the fact, as the program itself reports it (`fieldnode debug check`,
/// which uses only the engine's public API) plus SQLite's own `PRAGMA integrity_check` read
/// from outside.
struct StoreInspection {
    /// `PRAGMA integrity_check` from a plain SQLite connection: `["ok"]` when intact.
    let integrity: [String]
    /// `Store.verify()`: the engine's invariants (and integrity_check again).
    let problems: [String]
    /// Reference codes of the live reports.
    let refs: Set<String>
    let reportCount: Int
    /// Reports missing a field, or no longer valid as intake.
    let incomplete: [String]
    /// This node's own ops, and whether their sequence numbers are exactly 1…n.
    let ownOps: Int
    let gapless: Bool
    /// The merged state, one line per fact: equal before and after means nothing changed.
    let state: [String]

    static func inspect(dataDir: String) async throws -> StoreInspection {
        let db = try Database(path: dataDir + "/node.sqlite", options: DatabaseOptions(create: false))
        let integrity = try db.integrityCheck()
        try db.close()
        let outcome = try await NodeProcess.run(["debug", "check", "--data-dir", dataDir])
        guard outcome.status == 0 else { throw ProcessTestError("debug check failed: \(outcome.stderr)") }
        let json = try JSON.parse(outcome.stdout, limits: JSONLimits(maxBytes: 256 << 20))
        func strings(_ key: String) -> [String] { json[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        return StoreInspection(integrity: integrity, problems: strings("problems"), refs: Set(strings("refs")),
                               reportCount: Int(json["reports"]?.int64Value ?? -1), incomplete: strings("incomplete"),
                               ownOps: Int(json["ownOps"]?.int64Value ?? -1), gapless: json["gapless"]?.boolValue ?? false,
                               state: strings("state"))
    }
}
