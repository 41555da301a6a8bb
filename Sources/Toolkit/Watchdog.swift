/// The systemd watchdog, pinged only when the program is seen alive — never by a timer that
/// checks nothing.
///
/// Rules (invariants):
/// 1. Every `interval` (half of `WATCHDOG_USEC`) all checks run at once; `WATCHDOG=1` is sent
///    only when every one of them answered "alive" within `deadline`.
/// 2. A check that does not answer within `deadline` fails at once (logged then), and the
///    watchdog waits for it before the next round: a hung store stops the pings until it
///    answers, and systemd's `WatchdogSec` ends the process if it never does.
/// 3. A failing streak is logged once, as a warning naming the check and the reason; the first
///    good round after it is logged as a notice.
/// 4. A failed send to systemd is logged and does not end the watchdog.
public struct Watchdog: Service {
    public let name = "watchdog"
    public let interval: Duration
    public let deadline: Duration
    private let checks: [LivenessCheck]
    private let notifier: SystemdNotifier
    private let logger: Logger

    /// A watchdog pinging through `notifier` every `interval` after `checks` pass within
    /// `deadline` (default: half the interval).
    public init(interval: Duration, deadline: Duration? = nil, checks: [LivenessCheck], notifier: SystemdNotifier, logger: Logger) {
        self.interval = interval
        self.deadline = deadline ?? interval / 2
        self.checks = checks
        self.notifier = notifier
        self.logger = logger
    }

    /// The watchdog systemd asked for (`WATCHDOG_USEC`), or nil when it asked for none.
    public init?(notifier: SystemdNotifier, checks: [LivenessCheck], logger: Logger) {
        guard let interval = notifier.watchdogPingInterval else { return nil }
        self.init(interval: interval, checks: checks, notifier: notifier, logger: logger)
    }

    public func run() async throws {
        var failing = false
        while true {
            try await Task.sleep(for: interval)
            if let failure = await round(failing: failing) {
                if !failing, !failure.logged { logFailure(failure.check, failure.reason) }
                failing = true
                continue
            }
            if failing { logger.notice("liveness checks pass again; watchdog pinged") }
            failing = false
            do {
                try notifier.watchdog()
            } catch {
                logger.warning("systemd notification failed", ["message": "watchdog", "error": error.message])
            }
        }
    }

    /// Runs every check (rules 1, 2); nil when all answered alive in time, else the first
    /// failure. A late check is logged as soon as it is late (`logged`), unless `failing`.
    func round(failing: Bool) async -> (check: String, reason: String, logged: Bool)? {
        let deadline = self.deadline
        return await withTaskGroup(of: Answer.self) { group in
            for check in checks {
                group.addTask { .checked(check.name, await check.probe()) }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: deadline)
                    return .late
                } catch {
                    return .cancelled
                }
            }
            var pending = Set(checks.map(\.name))
            var failure: (check: String, reason: String, logged: Bool)?
            while let answer = await group.next() {
                switch answer {
                case .checked(let name, let reason):
                    pending.remove(name)
                    if let reason, failure == nil { failure = (name, reason, false) }
                    if pending.isEmpty { group.cancelAll() }  // the deadline timer
                case .late:
                    guard let late = pending.sorted().first else { continue }
                    if failure == nil {
                        let reason = "no answer within \(Heartbeat.milliseconds(deadline)) ms"
                        if !failing { logFailure(late, reason) }
                        failure = (late, reason, true)
                    }
                case .cancelled:
                    continue
                }
            }
            return failure
        }
    }

    private func logFailure(_ check: String, _ reason: String) {
        logger.warning("watchdog not pinged: a liveness check failed", ["check": check, "reason": reason])
    }

    private enum Answer: Sendable {
        case checked(String, String?)
        case late
        case cancelled
    }
}
