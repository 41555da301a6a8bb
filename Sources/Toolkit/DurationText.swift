/// Durations as people write them on a command line and in config files: a whole number and a
/// unit `s`, `m`, `h` or `d` (`30s`, `5m`, `2h`, `7d`). The one parser every module uses.
public enum DurationText {
    /// `text` as seconds when it is `<digits><s|m|h|d>` and fits in an `Int64`; nil otherwise
    /// (`24H`, `1.5h`, `24 h`, `-1h` and a bare `24` are refused).
    public static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let multiplier: Int64
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86_400
        default: return nil
        }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits) else { return nil }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : seconds
    }

    /// `text` as a `Duration`, or nil (see ``seconds(_:)``).
    public static func parse(_ text: String) -> Duration? {
        seconds(text).map { .seconds($0) }
    }

    /// The shortest exact `<n><unit>` spelling of a whole number of seconds (`90s`, `5m`, `1d`).
    public static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (size, unit) in [(Int64(86_400), "d"), (3600, "h"), (60, "m")] where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
