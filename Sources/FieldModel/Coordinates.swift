/// An incident position, coarsened to a grid of 0.01° before anything else sees it.
///
/// Why 0.01°: one hundredth of a degree of latitude is about 1.11 km everywhere, and of
/// longitude about 1.11 km × cos(latitude) (≈1.07–1.11 km in the missions' latitudes). That is
/// enough to route a report to the right area, to match it against off-limits premises and
/// to recognise duplicates, and too coarse to point at one household, so a seized laptop or a
/// leaked export does not reveal where a survivor lives (DESIGN.md: "never exact positions").
///
/// Invariants:
/// 1. The only way to make a value is `init?(coarsening:lon:)`: an exact position cannot be held.
/// 2. `lat` and `lon` are multiples of 0.01 (as the nearest Double), `lat` in −90…90 and
///    `lon` in −180…<180: the antimeridian is written −180, never +180, so one place has one value.
/// 3. Rounding is half away from zero, symmetric for negative values; −0 is stored as 0.
public struct Coordinates: Sendable, Hashable {
    /// Latitude in degrees, a multiple of 0.01 in −90…90.
    public let lat: Double
    /// Longitude in degrees, a multiple of 0.01 in −180…<180.
    public let lon: Double

    /// The grid step in degrees.
    public static let step = 0.01

    /// Coarsens an exact position; nil if either value is not finite or out of range
    /// (latitude −90…90, longitude −180…180 inclusive).
    public init?(coarsening lat: Double, lon: Double) {
        guard Coordinates.latitudeInRange(lat), Coordinates.longitudeInRange(lon) else { return nil }
        self.lat = Coordinates.round(lat)
        var lon = Coordinates.round(lon)
        if lon == 180 { lon = -180 }
        self.lon = lon
    }

    /// True for a finite latitude in −90…90.
    public static func latitudeInRange(_ value: Double) -> Bool { value.isFinite && abs(value) <= 90 }

    /// True for a finite longitude in −180…180.
    public static func longitudeInRange(_ value: Double) -> Bool { value.isFinite && abs(value) <= 180 }

    /// Rounds to the nearest 0.01, half away from zero, with −0 folded to 0.
    static func round(_ value: Double) -> Double {
        // Scaling by 100 then dividing gives the Double nearest to the decimal k/100, which is
        // what a JSON encoder prints back as exactly two decimals.
        // Rounded by hand: `Double.rounded` calls libm, which this pure module does not link.
        // |scaled| <= 18000, so the Int64 conversion (truncation) and the subtraction are exact.
        let scaled = value * 100
        let truncated = Double(Int64(scaled))
        let fraction = scaled - truncated
        let cells = abs(fraction) >= 0.5 ? truncated + (scaled < 0 ? -1 : 1) : truncated
        let result = cells / 100
        return result == 0 ? 0 : result
    }
}
