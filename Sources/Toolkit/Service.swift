/// A long-running part of a program — an HTTP server, a sync loop, a timer, the watchdog —
/// run by a ``ServiceGroup`` (after swift-service-lifecycle's `Service`).
///
/// Contract:
/// 1. ``run()`` runs until the service is done, its task is cancelled, or, after
///    ``shutdownGracefully()``, it has finished its work in flight. Returning or throwing while
///    the group is not stopping ends the whole group: a service that ends by itself has failed.
/// 2. A service that can finish gracefully (an HTTP server drains its requests) starts doing so
///    in ``shutdownGracefully()`` and returns `true`; the group then waits for ``run()``. The
///    default returns `false`: the group cancels the service's task instead.
/// 3. A `CancellationError` thrown after the group cancelled the service is not a failure.
public protocol Service: Sendable {
    /// A short name for logs and errors, such as `http` or `watchdog`.
    var name: String { get }

    /// Runs the service (rule 1).
    func run() async throws

    /// Starts a graceful stop; `true` when ``run()`` will return by itself (rule 2). Called at
    /// most once, from the group's task; must not block.
    func shutdownGracefully() -> Bool
}

extension Service {
    public func shutdownGracefully() -> Bool { false }
}

/// A ``Service`` made of a closure, for timers and small loops.
public struct ServiceLoop: Service {
    public let name: String
    private let body: @Sendable () async throws -> Void

    /// A service called `name` that runs `body` (which should end when its task is cancelled).
    public init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        try await body()
    }
}
