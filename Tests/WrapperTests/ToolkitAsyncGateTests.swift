import Synchronization
import Testing
import Toolkit

@Suite struct ToolkitAsyncGateTests {
    final class Counts: Sendable {
        let inside = Atomic<Int>(0), peak = Atomic<Int>(0), done = Atomic<Int>(0)
    }

    final class Order: Sendable {
        let values = Mutex<[Int]>([])
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

    @Test func weightedHoldersNeverExceedTheLimitAndAHeavyWaiterIsNotOvertaken() async throws {
        let gate = AsyncGate(limit: 100)
        let counts = Counts()
        let order = Order()
        // Weights 1…60 (and one above the limit, which takes the whole gate): the units held at
        // once never pass 100.
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                let weight = index == 7 ? 500 : 1 + (index * 37) % 60
                group.addTask {
                    await gate.run(weight: weight) {
                        let units = min(weight, 100)
                        let now = counts.inside.add(units, ordering: .relaxed).newValue
                        _ = counts.peak.max(now, ordering: .relaxed)
                        try? await Task.sleep(for: .milliseconds(1))
                        counts.inside.subtract(units, ordering: .relaxed)
                        counts.done.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(counts.done.load(ordering: .relaxed) == 40)
        #expect(counts.peak.load(ordering: .relaxed) <= 100, "peak \(counts.peak.load(ordering: .relaxed)) units")
        #expect(await gate.current == 0)

        // Arrival order: with 90 units held, a waiter of 50 queues, and a light one behind it
        // waits too rather than slip past it.
        let (release, releaseSink) = AsyncStream.makeStream(of: Void.self)
        let holder = Task { await gate.run(weight: 90) { for await _ in release { break } } }
        while await gate.current < 90 { await Task.yield() }
        let heavy = Task { await gate.run(weight: 50) { order.values.withLock { $0.append(50) } } }
        try await Task.sleep(for: .milliseconds(20))
        let light = Task { await gate.run(weight: 5) { order.values.withLock { $0.append(5) } } }
        try await Task.sleep(for: .milliseconds(20))
        #expect(order.values.withLock { $0 }.isEmpty, "a waiter ran while 90 of 100 units were held: \(order.values.withLock { $0 })")
        releaseSink.yield(())
        await holder.value
        await heavy.value
        await light.value
        #expect(order.values.withLock { $0 } == [50, 5])
    }
}
