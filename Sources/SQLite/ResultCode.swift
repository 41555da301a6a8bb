/// An SQLite result code, primary (low 8 bits) or extended.
///
/// Named constants cover every primary code and the extended codes this project meets.
/// A primary pattern matches its extended codes in `switch`: `case .constraint:` matches
/// `.constraintUnique`; an extended pattern matches only itself.
///
/// Related SQLite documentation: <https://www.sqlite.org/rescode.html>
public struct ResultCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The raw SQLite result code.
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary result code: the least significant 8 bits.
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }

    /// True when this code carries no extended bits.
    public var isPrimary: Bool { rawValue == rawValue & 0xFF }

    /// The C macro name, e.g. `SQLITE_FULL` or `SQLITE_CONSTRAINT_UNIQUE`. An extended code
    /// this type does not name prints as its primary name followed by the raw value.
    public var description: String {
        if let name = Self.names[rawValue] { return name }
        let primaryName = Self.names[rawValue & 0xFF] ?? "SQLITE_UNKNOWN"
        return "\(primaryName)(\(rawValue))"
    }

    /// Primary patterns match any code with the same primary code; extended patterns match
    /// only themselves.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.isPrimary ? pattern == code.primary : pattern == code
    }

    // Primary result codes.
    public static let ok = ResultCode(rawValue: 0)
    public static let error = ResultCode(rawValue: 1)
    public static let `internal` = ResultCode(rawValue: 2)
    public static let perm = ResultCode(rawValue: 3)
    public static let abort = ResultCode(rawValue: 4)
    public static let busy = ResultCode(rawValue: 5)
    public static let locked = ResultCode(rawValue: 6)
    public static let nomem = ResultCode(rawValue: 7)
    public static let readonly = ResultCode(rawValue: 8)
    public static let interrupt = ResultCode(rawValue: 9)
    public static let ioerr = ResultCode(rawValue: 10)
    public static let corrupt = ResultCode(rawValue: 11)
    public static let notfound = ResultCode(rawValue: 12)
    public static let full = ResultCode(rawValue: 13)
    public static let cantopen = ResultCode(rawValue: 14)
    public static let `protocol` = ResultCode(rawValue: 15)
    public static let empty = ResultCode(rawValue: 16)
    public static let schema = ResultCode(rawValue: 17)
    public static let toobig = ResultCode(rawValue: 18)
    public static let constraint = ResultCode(rawValue: 19)
    public static let mismatch = ResultCode(rawValue: 20)
    public static let misuse = ResultCode(rawValue: 21)
    public static let nolfs = ResultCode(rawValue: 22)
    public static let auth = ResultCode(rawValue: 23)
    public static let format = ResultCode(rawValue: 24)
    public static let range = ResultCode(rawValue: 25)
    public static let notadb = ResultCode(rawValue: 26)
    public static let notice = ResultCode(rawValue: 27)
    public static let warning = ResultCode(rawValue: 28)
    public static let row = ResultCode(rawValue: 100)
    public static let done = ResultCode(rawValue: 101)

    // Extended result codes (primary | n << 8).
    public static let ioerrRead = ResultCode(rawValue: 10 | 1 << 8)
    public static let ioerrShortRead = ResultCode(rawValue: 10 | 2 << 8)
    public static let ioerrWrite = ResultCode(rawValue: 10 | 3 << 8)
    public static let ioerrFsync = ResultCode(rawValue: 10 | 4 << 8)
    public static let ioerrDirFsync = ResultCode(rawValue: 10 | 5 << 8)
    public static let ioerrTruncate = ResultCode(rawValue: 10 | 6 << 8)
    public static let ioerrFstat = ResultCode(rawValue: 10 | 7 << 8)
    public static let ioerrLock = ResultCode(rawValue: 10 | 15 << 8)
    public static let ioerrShmOpen = ResultCode(rawValue: 10 | 18 << 8)
    public static let ioerrCorruptFS = ResultCode(rawValue: 10 | 33 << 8)
    public static let lockedSharedCache = ResultCode(rawValue: 6 | 1 << 8)
    public static let busyRecovery = ResultCode(rawValue: 5 | 1 << 8)
    public static let busySnapshot = ResultCode(rawValue: 5 | 2 << 8)
    public static let busyTimeout = ResultCode(rawValue: 5 | 3 << 8)
    public static let cantopenNoTempDir = ResultCode(rawValue: 14 | 1 << 8)
    public static let cantopenIsDir = ResultCode(rawValue: 14 | 2 << 8)
    public static let cantopenFullPath = ResultCode(rawValue: 14 | 3 << 8)
    public static let corruptIndex = ResultCode(rawValue: 11 | 3 << 8)
    public static let readonlyRecovery = ResultCode(rawValue: 8 | 1 << 8)
    public static let readonlyCantLock = ResultCode(rawValue: 8 | 2 << 8)
    public static let readonlyRollback = ResultCode(rawValue: 8 | 3 << 8)
    public static let readonlyDBMoved = ResultCode(rawValue: 8 | 4 << 8)
    public static let readonlyCantInit = ResultCode(rawValue: 8 | 5 << 8)
    public static let readonlyDirectory = ResultCode(rawValue: 8 | 6 << 8)
    public static let abortRollback = ResultCode(rawValue: 4 | 2 << 8)
    public static let constraintCheck = ResultCode(rawValue: 19 | 1 << 8)
    public static let constraintForeignKey = ResultCode(rawValue: 19 | 3 << 8)
    public static let constraintNotNull = ResultCode(rawValue: 19 | 5 << 8)
    public static let constraintPrimaryKey = ResultCode(rawValue: 19 | 6 << 8)
    public static let constraintTrigger = ResultCode(rawValue: 19 | 7 << 8)
    public static let constraintUnique = ResultCode(rawValue: 19 | 8 << 8)
    public static let constraintRowID = ResultCode(rawValue: 19 | 10 << 8)

    private static let names: [Int32: String] = [
        0: "SQLITE_OK", 1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM",
        4: "SQLITE_ABORT", 5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM",
        8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT", 10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT",
        12: "SQLITE_NOTFOUND", 13: "SQLITE_FULL", 14: "SQLITE_CANTOPEN", 15: "SQLITE_PROTOCOL",
        16: "SQLITE_EMPTY", 17: "SQLITE_SCHEMA", 18: "SQLITE_TOOBIG", 19: "SQLITE_CONSTRAINT",
        20: "SQLITE_MISMATCH", 21: "SQLITE_MISUSE", 22: "SQLITE_NOLFS", 23: "SQLITE_AUTH",
        24: "SQLITE_FORMAT", 25: "SQLITE_RANGE", 26: "SQLITE_NOTADB", 27: "SQLITE_NOTICE",
        28: "SQLITE_WARNING", 100: "SQLITE_ROW", 101: "SQLITE_DONE",
        ioerrRead.rawValue: "SQLITE_IOERR_READ", ioerrShortRead.rawValue: "SQLITE_IOERR_SHORT_READ",
        ioerrWrite.rawValue: "SQLITE_IOERR_WRITE", ioerrFsync.rawValue: "SQLITE_IOERR_FSYNC",
        ioerrDirFsync.rawValue: "SQLITE_IOERR_DIR_FSYNC", ioerrTruncate.rawValue: "SQLITE_IOERR_TRUNCATE",
        ioerrFstat.rawValue: "SQLITE_IOERR_FSTAT", ioerrLock.rawValue: "SQLITE_IOERR_LOCK",
        ioerrShmOpen.rawValue: "SQLITE_IOERR_SHMOPEN", ioerrCorruptFS.rawValue: "SQLITE_IOERR_CORRUPTFS",
        lockedSharedCache.rawValue: "SQLITE_LOCKED_SHAREDCACHE",
        busyRecovery.rawValue: "SQLITE_BUSY_RECOVERY", busySnapshot.rawValue: "SQLITE_BUSY_SNAPSHOT",
        busyTimeout.rawValue: "SQLITE_BUSY_TIMEOUT",
        cantopenNoTempDir.rawValue: "SQLITE_CANTOPEN_NOTEMPDIR", cantopenIsDir.rawValue: "SQLITE_CANTOPEN_ISDIR",
        cantopenFullPath.rawValue: "SQLITE_CANTOPEN_FULLPATH", corruptIndex.rawValue: "SQLITE_CORRUPT_INDEX",
        readonlyRecovery.rawValue: "SQLITE_READONLY_RECOVERY", readonlyCantLock.rawValue: "SQLITE_READONLY_CANTLOCK",
        readonlyRollback.rawValue: "SQLITE_READONLY_ROLLBACK", readonlyDBMoved.rawValue: "SQLITE_READONLY_DBMOVED",
        readonlyCantInit.rawValue: "SQLITE_READONLY_CANTINIT", readonlyDirectory.rawValue: "SQLITE_READONLY_DIRECTORY",
        abortRollback.rawValue: "SQLITE_ABORT_ROLLBACK",
        constraintCheck.rawValue: "SQLITE_CONSTRAINT_CHECK", constraintForeignKey.rawValue: "SQLITE_CONSTRAINT_FOREIGNKEY",
        constraintNotNull.rawValue: "SQLITE_CONSTRAINT_NOTNULL", constraintPrimaryKey.rawValue: "SQLITE_CONSTRAINT_PRIMARYKEY",
        constraintTrigger.rawValue: "SQLITE_CONSTRAINT_TRIGGER", constraintUnique.rawValue: "SQLITE_CONSTRAINT_UNIQUE",
        constraintRowID.rawValue: "SQLITE_CONSTRAINT_ROWID",
    ]
}
