import Synchronization
import Testing
import Toolkit

@Suite struct ToolkitAsyncGateTests {
    final class Counts: Sendable {
        let inside = Atomic<Int>(0), peak = Atomic<Int>(0), done = Atomic<Int>(0)
    }

    @Test func neverMoreHoldersThanTheLimitAndEveryoneGetsThrough() async throws {
        let gate = AsyncGate(limit: 3)
        let counts = Counts()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    await gate.run {
                        let now = counts.inside.add(1, ordering: .relaxed).newValue
                        _ = counts.peak.max(now, ordering: .relaxed)
                        try? await Task.sleep(for: .milliseconds(2))
                        counts.inside.subtract(1, ordering: .relaxed)
                        counts.done.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(counts.done.load(ordering: .relaxed) == 40)
        #expect(counts.peak.load(ordering: .relaxed) == 3, "peak \(counts.peak.load(ordering: .relaxed))")
        #expect(await gate.current == 0)
        // A holder that throws frees its place.
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await gate.run { throw Boom() } }
        #expect(await gate.current == 0)
    }
}
