/// Why a benchmark could not run; `message` says what to do.
struct BenchError: Error, CustomStringConvertible {
    enum Code: String {
        /// Bad command line (exit 64).
        case usage
        /// Deploy/samples is missing or a sample does not parse.
        case samples
        /// The `missionhub` binary is missing, failed or did not start.
        case hub
        /// The simulated nodes did not converge with the hub.
        case convergence
        /// A measured store does not hold what the benchmark wrote.
        case mismatch
    }

    let code: Code
    let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(code.rawValue): \(message)" }
}
