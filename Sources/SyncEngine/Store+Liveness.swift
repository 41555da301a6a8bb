import Toolkit

extension Store {
    /// The watchdog's check that the store answers: a one-row read through `async`, so it waits
    /// behind every queued store call. A hung or stalled store makes it late; a failing one
    /// names the error.
    public var livenessCheck: LivenessCheck {
        LivenessCheck("store") { [self] in
            do {
                _ = try await self.async { try $0.metadata("liveness") }
                return nil
            } catch {
                return "a read failed: \(error)"
            }
        }
    }
}
