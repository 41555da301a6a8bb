import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `missionhub` binary (found next to this executable) with its data directory in a
/// temp dir: CLI commands, and `serve` on 127.0.0.1 with a kernel-chosen port.
///
/// Every method blocks (process spawns, waits): call it from the main thread, never from
/// Swift's shared async threads.
final class HubProcess {
    let binary: String
    let dataDir: String
    let logPath: String
    private var server: Process?
    /// The `missionhub serve` process: `server`, or its child when `server` is a wrapper (strace).
    private var hubPID: pid_t = 0
    private var wrapped = false
    private(set) var port = 0

    /// `binary`: another `missionhub` to run (the memory section's `--baseline-hub`).
    init(directory: String, binary given: String? = nil) throws {
        binary = given ?? (Bench.executablePath as NSString).deletingLastPathComponent + "/missionhub"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError(.hub, "no missionhub next to this executable (\(binary)); build it first: swift build -c release --product missionhub")
        }
        dataDir = directory + "/hub"
        logPath = directory + "/hub.log"
    }

    /// The hub's environment: ours without systemd's notify/watchdog variables.
    private var environment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "MISSIONHUB_DATA_DIR"].contains($0.key) }
    }

    /// Runs `missionhub --data-dir DIR ARGS…` to completion; its standard output.
    func command(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--data-dir", dataDir] + arguments
        process.environment = environment
        // Standard error goes to a file, so a chatty command cannot fill a pipe nobody reads.
        let errPath = dataDir + ".command.err"
        guard FileManager.default.createFile(atPath: errPath, contents: nil) else { throw BenchError(.hub, "cannot write \(errPath)") }
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            throw BenchError(.hub, "missionhub \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(stderr)")
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// `missionhub node enroll NAME`: the one-time token it prints.
    func issueToken(node name: String) throws -> String {
        let output = try command(["node", "enroll", name])
        let token = output.split(separator: "\n").lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { line in
            line.count >= 20 && line.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) }
        }
        guard let token else { throw BenchError(.hub, "missionhub node enroll printed no token: \(output)") }
        return token
    }

    /// Starts `serve --listen 127.0.0.1:0` and waits (up to 20 s) for its "hub serving" line.
    /// `wrapper`: a command that runs the hub as its last arguments (`strace … --`);
    /// `arguments`: more arguments for `serve`; `environment`: more variables for the hub.
    func start(wrapper: [String] = [], arguments: [String] = [], environment extra: [String: String] = [:]) throws {
        guard FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) else { throw BenchError(.hub, "cannot write \(logPath)") }
        let process = Process()
        let serve = ["--data-dir", dataDir, "serve", "--listen", "127.0.0.1:0"] + arguments
        if let tool = wrapper.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(wrapper.dropFirst()) + [binary] + serve
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = serve
        }
        process.environment = environment.merging(extra) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        try process.run()
        server = process
        wrapped = !wrapper.isEmpty
        hubPID = process.processIdentifier
        let marker = "hub serving address=127.0.0.1:"
        for _ in 0..<400 {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: marker) {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), port > 0 {
                    self.port = port
                    if wrapped { hubPID = try Self.child(of: process.processIdentifier) }
                    return
                }
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        throw BenchError(.hub, "missionhub serve did not start; its log (\(logPath)):\n" + ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""))
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The one child process of `pid` (the hub under its wrapper).
    private static func child(of pid: pid_t) throws -> pid_t {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        guard let child = text.split(separator: " ").first.flatMap({ pid_t($0) }) else {
            throw BenchError(.hub, "cannot find the missionhub process under its wrapper (pid \(pid)) in /proc")
        }
        return child
    }

    /// CPU time the hub has used so far (user + system, `/proc/PID/stat`), in seconds.
    func cpuSeconds() throws -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(hubPID)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else {
            throw BenchError(.hub, "cannot read /proc/\(hubPID)/stat (is the hub still running?)")
        }
        // Fields after the command name: state is field 3; utime and stime are 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError(.hub, "unexpected /proc/\(hubPID)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The server's peak resident set (`VmHWM`), in KiB.
    func peakMemoryKiB() throws -> Int {
        guard server != nil, case let pid = hubPID,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            throw BenchError(.hub, "cannot read VmHWM of the hub from /proc (is this Linux, is the hub still running?)")
        }
        return kib
    }

    /// SIGTERM, then waits up to 10 s (SIGKILL after that); the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let process = server else { return 0 }
        server = nil
        // Under a wrapper the hub gets the signal; the wrapper ends with it.
        kill(hubPID, SIGTERM)
        for _ in 0..<200 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { stop() }
}
