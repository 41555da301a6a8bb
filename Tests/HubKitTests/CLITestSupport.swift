import Foundation
@testable import HubKit
import Synchronization
import SyncEngine

/// What a `HubCLI.run` printed and returned.
struct CLIResult: Sendable {
    let status: Int32
    let output: String
    let error: String
}

/// Collects console text from any thread.
final class ConsoleCapture: Sendable {
    private let out = Mutex(""), err = Mutex("")

    var console: HubConsole {
        HubConsole(output: { text in self.out.withLock { $0 += text } }, error: { text in self.err.withLock { $0 += text } })
    }

    var output: String { out.withLock { $0 } }
    var error: String { err.withLock { $0 } }
}

/// Runs `missionhub` in-process with a clean environment.
func runHub(_ arguments: [String], environment: [String: String] = ["HOME": "/nonexistent"],
            clock: TestClock = TestClock(), hooks: ServeHooks = ServeHooks()) async -> CLIResult {
    let capture = ConsoleCapture()
    let status = await HubCLI.run(arguments: arguments, environment: environment, console: capture.console,
                                  clock: clock.read, hooks: hooks)
    return CLIResult(status: status, output: capture.output, error: capture.error)
}
