import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A long-running child process (`missionhub serve`, `fieldnode daemon`) whose stdout and
/// stderr go to one log file. Killed with SIGKILL when it is released still running, so a
/// failing test never leaves it behind.
final class SyncChild: Sendable {
    let name: String
    let logPath: String
    private let process: Process

    private init(name: String, logPath: String, process: Process) {
        self.name = name
        self.logPath = logPath
        self.process = process
    }

    /// Starts `binary ARGS`, logging to `logPath` (appended).
    static func start(name: String, binary: String, arguments: [String], logPath: String) async throws -> SyncChild {
        let process = try await blocking {
            try SyncProcess.launch(binary, arguments, stdout: logPath, stderr: logPath)
        }
        return SyncChild(name: name, logPath: logPath, process: process)
    }

    deinit {
        killNow()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { SyncProcess.readText(logPath) }

    /// How many lines of the log contain `needle`.
    func count(_ needle: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(needle) }.count
    }

    /// Waits (up to `timeout` seconds) until `count` log lines contain `needle`, then runs
    /// `then` on the same thread at once (e.g. a SIGKILL that must land right after the line).
    /// Throws when the time runs out or the process ends first.
    @discardableResult
    func waitForLog(_ needle: String, count: Int = 1, timeout: Double = 20,
                    then action: (@Sendable () -> Void)? = nil) async throws -> String {
        try await blocking { [self] in
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let text = log
                if text.split(separator: "\n").filter({ $0.contains(needle) }).count >= count {
                    action?()
                    return text
                }
                // One more read after the exit: the line may have come just before it.
                if !process.isRunning, SyncProcess.readText(logPath) == text {
                    throw ProcessTestError("\(name) ended (status \(process.terminationStatus)) before logging '\(needle)' ×\(count); its log:\n\(text.suffix(3000))")
                }
                if Date() >= deadline {
                    throw ProcessTestError("\(name) did not log '\(needle)' ×\(count) within \(timeout) s; its log:\n\(text.suffix(3000))")
                }
                usleep(2_000)
            }
        }
    }

    /// Sends SIGKILL now (no-op once it has ended).
    func sigkill() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// SIGKILL, then waits for the exit. Returns true when the kill is what ended it.
    @discardableResult
    func kill9() async throws -> Bool {
        try await blocking { [self] in
            sigkill()
            process.waitUntilExit()
            return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        }
    }

    /// SIGTERM, then waits up to `seconds` for a clean exit; a process still running then is
    /// killed. Returns whether it ended in time and its exit status.
    func terminate(within seconds: Double = 5) async throws -> (inTime: Bool, status: Int32, signalled: Bool) {
        try await blocking { [self] in
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            let inTime = waitForExit(process, seconds: seconds)
            return (inTime, process.terminationStatus, process.terminationReason == .uncaughtSignal)
        }
    }

    /// SIGKILL and reap, synchronously (for deinit and cleanup).
    func killNow() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
