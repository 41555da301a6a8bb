import Testing
@testable import SQLite

@Suite struct StatementTests {
    private func seeded(_ dir: TempDir) throws -> Database {
        let db = try dir.open()
        try db.execute("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
            INSERT INTO t (name) VALUES ('a'), ('b'), ('c');
            """)
        return db
    }

    @Test func cachedStatementIsTheSameObjectAndComesBackReset() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let sql = "SELECT name FROM t ORDER BY id"
        let first = try db.cachedStatement(sql)
        #expect(try first.queryFirst { $0.string(0) } == "a")
        #expect(!first.isActive)  // queryFirst reset it: no read transaction left open
        let second = try db.cachedStatement(sql)
        #expect(first === second)
        #expect(try second.query { $0.string(0) } == ["a", "b", "c"])  // starts from the first row again
        #expect(try db.makeStatement(sql) !== first)
        #expect(try db.makeStatement(sql) !== db.makeStatement(sql))
    }

    @Test func nestedQueryOnTheSameSQLDoesNotResetTheOuterOne() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let sql = "SELECT name FROM t WHERE id >= ? ORDER BY id"
        let pairs = try db.query(sql, [1]) { outer in
            let name = outer.string(0) ?? "?"
            let inner = try db.query(sql, [3]) { $0.string(0) ?? "?" }
            return name + inner.joined()
        }
        #expect(pairs == ["ac", "bc", "cc"])
    }

    /// `forEachRow` steps lazily: after `.stop` no further row is stepped to, so a row that
    /// would fail (an integer overflow in `abs`) is never computed, while `query` reaches it.
    @Test func forEachRowStopsWithoutSteppingFurther() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let sql = "SELECT CASE WHEN id = 3 THEN abs(-9223372036854775807 - 1) ELSE id END FROM t ORDER BY id"
        let statement = try db.cachedStatement(sql)
        var seen: [Int] = []
        try statement.forEachRow { row in
            seen.append(row.int(0) ?? -1)
            return seen.count == 2 ? .stop : .next
        }
        #expect(seen == [1, 2])
        #expect(!statement.isActive)  // reset after the stop: no read transaction left open
        #expect(expectDatabaseError { try statement.query { $0.int(0) } } != nil)
        var all: [String] = []
        try db.cachedStatement("SELECT name FROM t ORDER BY id").forEachRow { all.append($0.string(0) ?? "?"); return .next }
        #expect(all == ["a", "b", "c"])
    }

    @Test func reenteringTheSameStatementObjectIsMisuse() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let statement = try db.makeStatement("SELECT id FROM t")
        let error = expectDatabaseError {
            try statement.query { _ in try statement.execute() }
        }
        #expect(error?.code == .misuse)
        #expect(try statement.query { $0.int(0) } == [1, 2, 3])  // still usable afterwards
    }

    @Test func argumentCountMismatchIsAnErrorNamingTheSQL() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let sql = "SELECT name FROM t WHERE id = ? AND name = ?"
        for arguments: [DatabaseValue] in [[1], [1, "a", 3]] {
            let error = expectDatabaseError { try db.query(sql, arguments) { $0.string(0) } }
            #expect(error?.code == .misuse)
            #expect(error?.sql == sql)
            #expect(error?.description.contains(sql) == true)
            #expect(error?.message.contains("expects 2 arguments, got \(arguments.count)") == true)
        }
        // Parameters in a script (execute without arguments) are not silently bound to NULL.
        let script = expectDatabaseError { try db.execute("INSERT INTO t (name) VALUES (?)") }
        #expect(script?.code == .misuse)
        #expect(try db.count("t") == 3)
    }

    @Test func rebindingClearsThePreviousArguments() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let statement = try db.cachedStatement("SELECT ?1 || ':' || ?2")
        #expect(try statement.queryFirst(["x", "y"]) { $0.string(0) } == "x:y")
        #expect(try statement.queryFirst(["p", "q"]) { $0.string(0) } == "p:q")
    }

    @Test func singleStatementAPIsRejectScriptsEmptySQLAndNUL() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        for sql in ["SELECT 1; SELECT 2", "INSERT INTO t (name) VALUES ('z'); DROP TABLE t", "", "   -- only a comment\n", "SELECT 1\u{0}; DROP TABLE t"] {
            let error = expectDatabaseError { try db.makeStatement(sql) }
            #expect(error?.code == .misuse, "\(sql)")
            #expect(expectDatabaseError { try db.cachedStatement(sql) }?.code == .misuse)
        }
        #expect(try db.count("t") == 3)
        // Trailing whitespace, semicolons and comments are fine.
        #expect(try db.scalar("SELECT 7; -- seven\n ", as: Int.self) == 7)
    }

    @Test func scriptRunsEveryStatementAndNamesTheFailingOne() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        try db.execute("-- leading comment\n; INSERT INTO t (name) VALUES ('d');;\n INSERT INTO t (name) VALUES ('e'); -- trailing")
        #expect(try db.count("t") == 5)
        let error = expectDatabaseError {
            try db.execute("INSERT INTO t (name) VALUES ('f'); INSERT INTO t (name) VALUES ('g'); INSERT INTO t (name) VALUES ('a'); INSERT INTO t (name) VALUES ('h')")
        }
        #expect(error?.extendedCode == .constraintUnique)
        #expect(error?.message.contains("statement 3 of the script") == true)
        #expect(error?.sql == "INSERT INTO t (name) VALUES ('a');")
        // Statements before the failure stay applied (no implicit transaction); later ones never ran.
        #expect(try db.query("SELECT name FROM t ORDER BY id") { $0.string(0) ?? "" } == ["a", "b", "c", "d", "e", "f", "g"])

        let syntax = expectDatabaseError { try db.execute("SELECT 1; SELEC 2; SELECT 3") }
        #expect(syntax?.code == .error)
        #expect(syntax?.message.contains("syntax error") == true)
        #expect(syntax?.message.contains("statement 2 of the script") == true)
        #expect(syntax?.sql?.hasPrefix("SELEC 2") == true)
    }

    @Test func syntaxErrorCarriesCodeSQLAndPath() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let sql = "SELEKT name FROM t WHERE id = ?"
        let error = expectDatabaseError { try db.query(sql, [1]) { $0.string(0) } }
        #expect(error?.code == .error)
        #expect(error?.extendedCode == .error)
        #expect(error?.sql == sql)
        #expect(error?.path == db.path)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.description.hasPrefix("SQLite error 1 (SQLITE_ERROR): near \"SELEKT\": syntax error — while executing `\(sql)`") == true)
        // Double-quoted strings are identifiers only (DQS off): a typo cannot become a string.
        #expect(expectDatabaseError { try db.query("SELECT \"no_such_column\" FROM t") { $0[0] } }?.message.contains("no such column") == true)
    }

    @Test func constraintViolationsCarryTheirExtendedCodes() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        try db.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES t(id), n INTEGER CHECK (n > 0))")
        let cases: [(String, [DatabaseValue], ResultCode)] = [
            ("INSERT INTO t (name) VALUES (?)", ["a"], .constraintUnique),
            ("INSERT INTO t (id, name) VALUES (?, ?)", [1, "new"], .constraintPrimaryKey),
            ("INSERT INTO t (name) VALUES (?)", [nil], .constraintNotNull),
            ("INSERT INTO child (parent, n) VALUES (?, ?)", [99, 1], .constraintForeignKey),
            ("INSERT INTO child (parent, n) VALUES (?, ?)", [1, 0], .constraintCheck),
        ]
        for (sql, arguments, expected) in cases {
            let error = expectDatabaseError { try db.execute(sql, arguments) }
            #expect(error?.code == .constraint, "\(sql)")
            #expect(error?.extendedCode == expected, "\(sql)")
            #expect(error?.arguments == arguments)
            if let error {
                switch error.extendedCode {
                case .constraint: break  // a primary pattern matches its extended codes
                default: Issue.record("\(error.extendedCode) did not match .constraint")
                }
                #expect(!(ResultCode.constraintUnique ~= ResultCode.constraint))
            }
        }
        #expect(try db.count("t") == 3)
        #expect(try db.count("child") == 0)
    }

    @Test func changesAndLastInsertRowID() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        try db.execute("INSERT INTO t (name) VALUES (?)", ["z"])
        #expect(db.lastInsertRowID == 4)
        #expect(db.changes == 1)
        try db.execute("UPDATE t SET name = name || '!' WHERE id <= ?", [3])
        #expect(db.changes == 3)
    }

    @Test func closedDatabaseRefusesEveryCall() throws {
        let dir = try TempDir()
        let db = try seeded(dir)
        let held = try db.cachedStatement("SELECT count(*) FROM t")
        try db.close()
        try db.close()  // twice is fine
        #expect(db.isClosed)
        #expect(expectDatabaseError { try db.execute("SELECT 1") }?.code == .misuse)
        #expect(expectDatabaseError { try db.query("SELECT 1") { $0[0] } }?.message.contains("closed") == true)
        #expect(expectDatabaseError { try held.query { $0[0] } }?.code == .misuse)
        #expect(!db.isInTransaction)
    }
}
