import FieldModel
import Foundation
import JSON
import Testing

@Suite struct CoordinatesTests {
    private func coarse(_ lat: Double, _ lon: Double) -> (Double, Double)? {
        Coordinates(coarsening: lat, lon: lon).map { ($0.lat, $0.lon) }
    }

    @Test func roundsToTheNearestHundredth() throws {
        let c = try #require(coarse(5.7621, 20.6712))
        #expect(c == (5.76, 20.67))
        #expect(try #require(coarse(5.7651, 20.6750)) == (5.77, 20.68))
        #expect(JSON.encode(.double(c.0)) == "5.76")
    }

    @Test func roundingIsSymmetricForNegativeValues() throws {
        #expect(try #require(coarse(0.125, 0.125)) == (0.13, 0.13))
        #expect(try #require(coarse(-0.125, -0.125)) == (-0.13, -0.13))
        #expect(try #require(coarse(-4.3649, -17.0051)) == (-4.36, -17.01))
    }

    @Test func negativeZeroBecomesZero() throws {
        let c = try #require(Coordinates(coarsening: -0.004, lon: -0.0049))
        #expect(c.lat == 0 && c.lat.sign == .plus && c.lon.sign == .plus)
    }

    @Test func antimeridianIsWrittenMinus180() throws {
        #expect(try #require(coarse(0, 180)).1 == -180)
        #expect(try #require(coarse(0, 179.996)).1 == -180)
        #expect(try #require(coarse(0, -180)).1 == -180)
        #expect(try #require(coarse(0, 179.994)).1 == 179.99)
        #expect(try #require(coarse(0, -179.996)).1 == -180)
        #expect(try #require(coarse(89.999, 0)).0 == 90)
        #expect(try #require(coarse(-90, 0)).0 == -90)
    }

    @Test func refusesOutOfRangeAndNonFinite() {
        #expect(coarse(90.0001, 0) == nil)
        #expect(coarse(-90.5, 0) == nil)
        #expect(coarse(0, 180.01) == nil)
        #expect(coarse(0, -180.0000001) == nil)
        #expect(coarse(.nan, 0) == nil)
        #expect(coarse(0, .infinity) == nil)
    }

    @Test func randomPositionsLandOnTheGridWithinHalfAStep() {
        let seed = SeededGenerator.seed()
        print("CoordinatesTests seed \(seed) (replay with FIELDMODEL_SEED=\(seed))")
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<20_000 {
            let lat = Double.random(in: -90...90, using: &rng), lon = Double.random(in: -180...180, using: &rng)
            guard let c = Coordinates(coarsening: lat, lon: lon) else {
                Issue.record("refused \(lat),\(lon) (seed \(seed))"); return
            }
            let latCells = c.lat * 100, lonCells = c.lon * 100
            #expect(abs(latCells - latCells.rounded()) < 1e-6 && abs(lonCells - lonCells.rounded()) < 1e-6,
                    "off grid \(c) (seed \(seed))")
            #expect(abs(c.lat - lat) <= 0.005 + 1e-9, "lat \(lat) -> \(c.lat) (seed \(seed))")
            let lonError = min(abs(c.lon - lon), abs(c.lon + 360 - lon))
            #expect(lonError <= 0.005 + 1e-9 && c.lon < 180, "lon \(lon) -> \(c.lon) (seed \(seed))")
        }
    }

    @Test func intakeStoresOnlyTheCoarsenedPosition() throws {
        let report = try Sample.valid()
        #expect(report.incident.coordinates?.lat == 5.76 && report.incident.coordinates?.lon == 20.67)
        let stored = JSON.encode(report.toJSON())
        #expect(!stored.contains("5.7621") && !stored.contains("20.6712"))
    }
}

@Suite struct DerivedTests {
    private func victims(_ bands: [AgeBand]) -> [ReportIntake.Victim] {
        bands.map { ReportIntake.Victim(ageBand: $0, sex: .unknown) }
    }

    @Test(arguments: [
        ([], false, true),
        ([.from18To24], false, false),
        ([.under12], true, false),
        ([.from12To14], true, false),
        ([.from15To17], true, false),
        ([.from25To39, .from40], false, false),
        ([.unknown], false, true),
        ([.from18To24, .unknown], false, true),
        ([.from15To17, .unknown], true, true),
        ([.from40, .from15To17], true, false),
    ] as [([AgeBand], Bool, Bool)])
    func childAndAgeTruthTable(bands: [AgeBand], child: Bool, undetermined: Bool) {
        #expect(ReportIntake.involvesChild(victims(bands)) == child)
        #expect(ReportIntake.ageUndetermined(victims(bands)) == undetermined)
    }

    @Test func categoryIsOneForAnySEAOrTraffickingType() {
        for type in AllegationType.allCases {
            #expect(ReportIntake.category([type]) == (type == .otherMisconduct ? 2 : 1), "\(type)")
            #expect(ReportIntake.category([type, .otherMisconduct]) == (type == .otherMisconduct ? 2 : 1))
        }
        #expect(ReportIntake.category([]) == 2)
    }

    @Test func derivedValuesOfAValidatedReport() throws {
        let report = try Sample.valid()
        #expect(report.involvesChild && !report.ageUndetermined && report.category == 1)
        let adult = try Sample.valid(Sample.with([(["victims"], [["ageBand": "25_39", "sex": "male"]]),
                                                  (["allegation", "types"], ["other_misconduct"])]))
        #expect(!adult.involvesChild && !adult.ageUndetermined && adult.category == 2)
        let none = try Sample.valid(Sample.with([(["victims"], nil)]))
        #expect(none.victims.isEmpty && none.ageUndetermined && !none.involvesChild)
    }

    @Test func everyEnumerationHasALabel() {
        #expect(AllegationType.sexualActivityWithMinor.label == "Sexual activity with a minor")
        let labels: [String] = Channel.allCases.map(\.label) + AllegationType.allCases.map(\.label)
            + AgeBand.allCases.map(\.label) + Sex.allCases.map(\.label)
            + PersonnelCategory.allCases.map(\.label) + Need.allCases.map(\.label)
        #expect(labels.allSatisfy { !$0.isEmpty && !$0.first!.isLowercase })
        #expect(Sex.allCases.map(\.rawValue) == ["female", "male", "other", "unknown"])
    }
}
