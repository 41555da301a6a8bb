import Dispatch

extension Duration {
    /// The same span as a Dispatch interval (negative spans are zero; saturates at `.never`).
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .nanoseconds(0) : .never }
        return .nanoseconds(Int(max(0, nanoseconds + attoseconds / 1_000_000_000)))
    }

    /// The deadline this long from now.
    var fromNow: DispatchTime {
        .now() + dispatchInterval
    }
}
