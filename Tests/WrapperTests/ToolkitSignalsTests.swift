import Foundation
import Testing
@testable import Toolkit

/// Signals are process-wide, so these tests run one at a time and use only HUP, USR1, USR2.
@Suite(.serialized) struct ToolkitSignalsTests {
    /// The first `count` signals the sequence yields, or fewer if `seconds` pass first.
    private func collect(_ count: Int, from signals: UnixSignals, within seconds: Double) async -> [UnixSignal] {
        await withTaskGroup(of: [UnixSignal]?.self) { group in
            group.addTask {
                var received: [UnixSignal] = []
                for await signal in signals {
                    received.append(signal)
                    if received.count == count { break }
                }
                return received
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }

    @Test func receivesSignalSentToSelfWhileIterating() async {
        let signals = UnixSignals(.hup)
        await signals.registered()
        let receiving = Task { await collect(1, from: signals, within: 5) }
        kill(getpid(), SIGHUP)
        #expect(await receiving.value == [.hup])
    }

    @Test func aSecondSequenceForTheSameSignalStillReceivesIt() async {
        for round in 1...2 {
            let signals = UnixSignals(.hup)
            await signals.registered()
            kill(getpid(), SIGHUP)
            #expect(await collect(1, from: signals, within: 5) == [.hup], "round \(round)")
        }
    }

    @Test func severalSignalsAreDistinguished() async {
        let signals = UnixSignals(.usr1, .usr2, .usr1)
        await signals.registered()
        kill(getpid(), SIGUSR1)
        try? await Task.sleep(for: .milliseconds(50))
        kill(getpid(), SIGUSR2)
        #expect(await collect(2, from: signals, within: 5) == [.usr1, .usr2])
    }

    @Test func cancellingTheIteratingTaskEndsTheLoop() async {
        let signals = UnixSignals(.usr2)
        await signals.registered()
        let iterating = Task {
            var count = 0
            for await _ in signals { count += 1 }
            return count
        }
        try? await Task.sleep(for: .milliseconds(50))
        iterating.cancel()
        #expect(await iterating.value == 0)
    }

    @Test func anEmptySequenceEndsAtOnce() async {
        let signals = UnixSignals([])
        await signals.registered()
        var iterator = signals.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }

    @Test func signalNamesAndNumbers() {
        #expect(UnixSignal.term.rawValue == SIGTERM && UnixSignal.term.description == "SIGTERM")
        #expect(UnixSignal.hup.rawValue == SIGHUP && UnixSignal.int.rawValue == SIGINT)
    }
}
