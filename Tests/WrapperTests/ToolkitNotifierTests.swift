import Foundation
import Testing
@testable import Toolkit

/// A bound `AF_UNIX` datagram socket standing in for systemd's notification socket.
final class ToolkitNotifyListener {
    let address: String
    private let fd: Int32
    private let directory: String?

    /// Binds in a fresh temporary directory, or in the abstract namespace when `abstract`.
    init(abstract: Bool = false) throws {
        var socketAddress = sockaddr_un()
        if abstract {
            directory = nil
            address = "@fieldsync-toolkit-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("toolkit-notify-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            directory = dir
            address = dir + "/notify.sock"
        }
        let length = try NotifySocket.fill(&socketAddress, with: address)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard fd >= 0, bound == 0 else {
            Issue.record("cannot bind test socket \(address): \(Errno(errno))")
            throw ToolkitTestFailure()
        }
    }

    deinit {
        close(fd)
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The datagrams waiting on the socket, in order.
    func datagrams() -> [String] {
        var received: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 { return received }
            received.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
    }
}

@Suite struct ToolkitNotifierTests {
    @Test func sendsExactDatagramsToAPathSocket() throws {
        let listener = try ToolkitNotifyListener()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        #expect(notifier.isEnabled)
        try notifier.ready()
        try notifier.ready(status: "serving")
        try notifier.status("synced 12 ops\nnext in 30 s")
        try notifier.watchdog()
        try notifier.stopping()
        try notifier.extendTimeout(by: .milliseconds(1500))
        try notifier.send(["MAINPID=42", "STATUS=x"])
        #expect(listener.datagrams() == [
            "READY=1",
            "READY=1\nSTATUS=serving",
            "STATUS=synced 12 ops next in 30 s",
            "WATCHDOG=1",
            "STOPPING=1",
            "EXTEND_TIMEOUT_USEC=1500000",
            "MAINPID=42\nSTATUS=x",
        ])
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let listener = try ToolkitNotifyListener()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        let before = SystemdNotifier.monotonicMicroseconds()
        try notifier.reloading()
        let after = SystemdNotifier.monotonicMicroseconds()
        let datagrams = listener.datagrams()
        #expect(datagrams.count == 1)
        let lines = datagrams.first?.split(separator: "\n").map(String.init) ?? []
        #expect(lines.first == "RELOADING=1")
        let stamp = lines.count == 2 && lines[1].hasPrefix("MONOTONIC_USEC=") ? UInt64(lines[1].dropFirst(15)) : nil
        #expect(stamp.map { (before...after).contains($0) } == true, "\(lines)")
    }

    @Test func sendsToAnAbstractSocket() throws {
        let listener = try ToolkitNotifyListener(abstract: true)
        try SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]).ready()
        #expect(listener.datagrams() == ["READY=1"])
    }

    @Test func withoutNotifySocketEverythingIsANoOp() throws {
        for environment in [[:], ["NOTIFY_SOCKET": ""]] {
            let notifier = SystemdNotifier(environment: environment)
            #expect(!notifier.isEnabled)
            try notifier.ready()
            try notifier.reloading()
        }
    }

    @Test func badAddressesAndMessagesAreReported() {
        #expect(throws: SystemdNotifyError.self) {
            try SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/notify"]).ready()
        }
        #expect(throws: SystemdNotifyError.self) {
            try SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]).ready()
        }
        do {
            try SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/fieldsync/notify"]).ready()
            Issue.record("sending to a missing socket succeeded")
        } catch {
            #expect(error.code == .sendFailed)
            #expect(error.message.contains("/nonexistent/fieldsync/notify"))
        }
        do {
            try SystemdNotifier(environment: ["NOTIFY_SOCKET": "/tmp/x"]).send(["READY=1\nWATCHDOG=1"])
            Issue.record("a newline inside an assignment was accepted")
        } catch {
            #expect(error.code == .invalidMessage)
        }
    }

    @Test func watchdogIntervalHonoursWatchdogPid() {
        let pid = getpid()
        let mine = SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "\(pid)"], processID: pid)
        #expect(mine.watchdogInterval == .seconds(20))
        #expect(mine.watchdogPingInterval == .seconds(10))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "3000"]).watchdogInterval == .milliseconds(3))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "\(pid + 1)"],
                                processID: pid).watchdogInterval == nil)
        for bad in ["0", "-5", "soon", ""] {
            #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": bad]).watchdogInterval == nil, "\(bad)")
        }
        #expect(SystemdNotifier(environment: [:]).watchdogPingInterval == nil)
    }
}
