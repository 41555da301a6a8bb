import Testing
@testable import SQLite

@Suite struct ValueTests {
    /// Every storage class through bind and read, including the edges a sloppy binding loses.
    @Test func everyValueRoundTripsThroughBindAndRead() throws {
        let dir = try TempDir()
        let db = try dir.open()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")  // no affinity: stored as bound
        let bigBlob = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let values: [DatabaseValue] = [
            .null, .integer(0), .integer(Int64.min), .integer(Int64.max), .integer(-1),
            .real(0.1), .real(-0.0), .real(Double.greatestFiniteMagnitude), .real(Double.leastNonzeroMagnitude),
            .real(.infinity), .real(-.infinity),
            .text(""), .text("plain"), .text("héllo 👩‍👩‍👧 مرحبا 日本語"), .text("nul\u{0}inside"),
            .blob([]), .blob([0]), .blob([0, 0, 1, 0, 255, 0]), .blob(bigBlob),
        ]
        for value in values {
            try db.execute("INSERT INTO t (v) VALUES (?)", [value])
        }
        let back = try db.query("SELECT v, typeof(v) FROM t ORDER BY id") { ($0[0], $0.string(1)) }
        #expect(back.count == values.count)
        for (index, (value, read)) in zip(values, back).enumerated() {
            let same = read.0 == value  // a Bool, so a failing 1 MiB blob is not printed
            #expect(same, "value \(index) (\(value.storageClass)) came back as \(read.0.storageClass)")
            #expect(read.1 == value.storageClass, "typeof of value \(index)")
        }
        // == cannot tell -0.0 from 0.0: check the sign survived.
        guard case .real(let negativeZero) = back[6].0 else {
            Issue.record("-0.0 came back as \(back[6].0)")
            return
        }
        #expect(negativeZero.sign == .minus)
    }

    @Test func emptyBlobAndEmptyTextAreNotNull() throws {
        let dir = try TempDir()
        let db = try dir.open()
        try db.execute("CREATE TABLE t (v NOT NULL)")
        try db.execute("INSERT INTO t VALUES (?)", [.blob([])])
        try db.execute("INSERT INTO t VALUES (?)", [.text("")])
        #expect(try db.query("SELECT v IS NULL, length(v) FROM t") { [$0.int(0), $0.int(1)] } == [[0, 0], [0, 0]])
        #expect(try db.scalar("SELECT v FROM t WHERE typeof(v) = 'blob'", as: [UInt8].self) == [])
        let notNull = expectDatabaseError { try db.execute("INSERT INTO t VALUES (?)", [.null]) }
        #expect(notNull?.extendedCode == .constraintNotNull)
    }

    @Test func nanIsStoredAsNullBySQLite() throws {
        let dir = try TempDir()
        let db = try dir.open()
        #expect(try db.queryFirst("SELECT ?", [.real(.nan)]) { $0[0] } == .null)
    }

    @Test func convertiblesRoundTripAndRejectWhatTheyCannotRepresent() throws {
        let dir = try TempDir()
        let db = try dir.open()
        func roundTrip<T: DatabaseValueConvertible>(_ value: T) throws -> T? {
            try db.scalar("SELECT ?", [value.databaseValue], as: T.self)
        }
        #expect(try roundTrip(Int.min) == Int.min)
        #expect(try roundTrip(Int64.max) == Int64.max)
        #expect(try roundTrip(Int32.min) == Int32.min)
        #expect(try roundTrip(UInt64.max) == UInt64.max)
        #expect(try roundTrip(UInt64(1) << 63) == UInt64(1) << 63)
        #expect(UInt64.max.databaseValue == .integer(-1))  // documented bit pattern
        #expect(try roundTrip(true) == true)
        #expect(try roundTrip(false) == false)
        #expect(try roundTrip(3.25) == 3.25)
        #expect(try roundTrip("ünï 🧭") == "ünï 🧭")
        #expect(try roundTrip([UInt8]([0, 1, 0])) == [0, 1, 0])

        #expect(Int32.fromDatabaseValue(.integer(Int64(Int32.max) + 1)) == nil)
        #expect(Bool.fromDatabaseValue(.integer(2)) == nil)
        #expect(Int.fromDatabaseValue(.real(1.0)) == nil)
        #expect(Int.fromDatabaseValue(.text("1")) == nil)
        #expect(String.fromDatabaseValue(.blob(Array("x".utf8))) == nil)
        #expect([UInt8].fromDatabaseValue(.text("x")) == nil)
        #expect(Double.fromDatabaseValue(.integer(7)) == 7)
        #expect(Double.fromDatabaseValue(.integer(Int64.max)) == nil)  // not exactly representable

        let none: Int? = nil
        #expect(none.databaseValue == .null)
        #expect(Int?.fromDatabaseValue(.null) == .some(nil))
        #expect(Int?.fromDatabaseValue(.integer(4)) == .some(4))
        #expect(Int?.fromDatabaseValue(.text("4")) == nil)
        #expect(try db.scalar("SELECT NULL", as: Int?.self) == .some(nil))
    }

    @Test func literalsBuildTheExpectedValues() {
        let values: [DatabaseValue] = [nil, 42, -7, 2.5, "text", true, false]
        #expect(values == [.null, .integer(42), .integer(-7), .real(2.5), .text("text"), .integer(1), .integer(0)])
    }

    @Test func rowAccessorsAreTypedAndDecodeNamesTheColumn() throws {
        let dir = try TempDir()
        let db = try dir.open()
        let sql = "SELECT 9 AS n, 1.5 AS d, 'x' AS s, x'00ff' AS b, 1 AS f, NULL AS z"
        let read = try #require(try db.queryFirst(sql) { row in
            (row.count, row.int64(0), row.int(0), row.double(1), row.string(2), row.blob(3), row.bool(4), row.name(2))
        })
        #expect(read.0 == 6)
        #expect(read.1 == 9 && read.2 == 9 && read.3 == 1.5 && read.4 == "x" && read.5 == [0, 255] && read.6 == true)
        #expect(read.7 == "s")
        // Wrong class or NULL reads as nil, never coerced.
        let strict = try #require(try db.queryFirst(sql) { [$0.string(0) == nil, $0.int(2) == nil, $0.int64(5) == nil, $0.bool(1) == nil] })
        #expect(strict == [true, true, true, true])

        let mismatch = expectDatabaseError {
            try db.queryFirst("SELECT NULL AS survivor_code") { try $0.decode(0, as: String.self) }
        }
        #expect(mismatch?.code == .mismatch)
        #expect(mismatch?.message.contains("survivor_code") == true)
        #expect(mismatch?.message.contains("null") == true)
        #expect(try db.queryFirst("SELECT 5") { try $0.decode(0, as: Int.self) } == 5)
    }
}
