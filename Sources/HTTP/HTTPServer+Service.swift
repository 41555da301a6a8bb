import Toolkit

/// The server as a service of a `ServiceGroup`: stopping it is the graceful `shutdown()` —
/// requests in flight finish, then `run()` returns.
extension HTTPServer: Service {
    public var name: String { "http" }

    public func shutdownGracefully() -> Bool {
        shutdown()
        return true
    }
}
