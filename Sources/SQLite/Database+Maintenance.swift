import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Database {
    /// `PRAGMA integrity_check`: `["ok"]` when the file is sound, else one line per problem.
    public func integrityCheck() throws -> [String] {
        try query("PRAGMA integrity_check") { $0.string(0) ?? "" }
    }

    /// Copies WAL frames into the database file (the corresponding C function is
    /// `sqlite3_wal_checkpoint_v2`): PASSIVE copies what it can without waiting; TRUNCATE
    /// waits (busy timeout) for readers and writers, then empties the WAL file.
    /// Throws `.busy` when TRUNCATE could not finish. A no-op outside WAL mode.
    public func walCheckpoint(truncate: Bool) throws {
        let connection = try connection()
        var walFrames: Int32 = 0
        var checkpointed: Int32 = 0
        let mode = truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE
        let rc = sqlite3_wal_checkpoint_v2(connection, nil, mode, &walFrames, &checkpointed)
        guard rc == SQLITE_OK else {
            throw error(code: rc, sql: "PRAGMA wal_checkpoint(\(truncate ? "TRUNCATE" : "PASSIVE"))")
        }
    }

    /// Online backup into `destination`, a file that must not exist yet (the corresponding
    /// C functions are `sqlite3_backup_*`). Other connections may keep writing: in WAL mode
    /// the copy is taken inside one read transaction, so it is one consistent snapshot; in
    /// rollback-journal mode SQLite restarts the copy when another connection writes.
    /// The new file is synced, and its directory entry too. On failure the partial file is
    /// removed. Must be called outside a transaction.
    ///
    /// - Parameters:
    ///   - pagesPerStep: pages copied per `sqlite3_backup_step`; negative copies all at once.
    ///     Zero is a `.misuse` error.
    ///   - progress: called after every step that left pages to copy; throwing from it
    ///     cancels the backup (the partial file is removed and the error rethrown).
    public func backup(
        to destination: String, pagesPerStep: Int32 = 256, progress: ((BackupProgress) throws -> Void)? = nil
    ) throws {
        let source = try connection()
        guard pagesPerStep != 0 else { throw error(.misuse, "backup pagesPerStep must not be 0") }
        guard !isInTransaction else {
            throw error(.misuse, "backup called inside a transaction; call it after the transaction ends")
        }
        let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw error(.cantopen, "cannot create backup file \(destination): \(reason); "
                + "choose a path that does not exist yet in a writable directory")
        }
        closeDescriptor(fd)  // nothing was written through fd
        var finished = false
        defer { if !finished { Self.removeDatabaseFiles(destination) } }

        var target: OpaquePointer?
        defer { _ = sqlite3_close_v2(target) }  // runs before the removal above
        let rc = sqlite3_open_v2(destination, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard rc == SQLITE_OK, let target else {
            throw backupError(rc, target, destination)
        }
        // The copy is committed with the target's own settings: make its sync explicit.
        let pragma = sqlite3_exec(target, "PRAGMA synchronous = FULL", nil, nil, nil)
        guard pragma == SQLITE_OK else { throw backupError(pragma, target, destination) }
        if try scalar("PRAGMA journal_mode", as: String.self)?.lowercased() == "wal" {
            try inTransaction(.deferred) {
                _ = try scalar("SELECT count(*) FROM sqlite_schema", as: Int64.self)  // starts the read snapshot
                try copyPages(from: source, to: target, destination: destination, pagesPerStep: pagesPerStep, progress: progress)
            }
        } else {
            try copyPages(from: source, to: target, destination: destination, pagesPerStep: pagesPerStep, progress: progress)
        }
        try Self.syncDirectory(of: destination)
        finished = true
    }

    private func copyPages(
        from source: OpaquePointer, to target: OpaquePointer, destination: String, pagesPerStep: Int32,
        progress: ((BackupProgress) throws -> Void)?
    ) throws {
        guard let backup = sqlite3_backup_init(target, "main", source, "main") else {
            throw backupError(sqlite3_extended_errcode(target), target, destination)
        }
        let maxWaits = max(1, options.busyTimeoutMilliseconds / 10)
        var waits = 0
        var rc = SQLITE_OK
        while true {
            rc = sqlite3_backup_step(backup, pagesPerStep)
            if rc == SQLITE_OK {
                if let progress {
                    let state = BackupProgress(
                        remainingPages: Int(sqlite3_backup_remaining(backup)), totalPages: Int(sqlite3_backup_pagecount(backup)))
                    do {
                        try progress(state)
                    } catch {
                        _ = sqlite3_backup_finish(backup)  // cancelled by the caller: its error is the one to report
                        throw error
                    }
                }
                continue
            }
            if rc == SQLITE_DONE { break }
            let primary = rc & 0xFF
            if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && waits < maxWaits {
                waits += 1
                _ = sqlite3_sleep(10)  // returns the milliseconds slept
                continue
            }
            break
        }
        // finish reports the first step error, if any, and releases the locks.
        let finish = sqlite3_backup_finish(backup)
        if rc != SQLITE_DONE { throw backupError(rc, target, destination) }
        if finish != SQLITE_OK { throw backupError(finish, target, destination) }
    }

    private func backupError(_ rc: Int32, _ target: OpaquePointer?, _ destination: String) -> DatabaseError {
        let message = target.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return error(ResultCode(rawValue: rc), "backup to \(destination) failed: \(message)")
    }

    /// fsync the directory holding `path`, so a newly created file survives power loss.
    /// `fsync`s the directory holding `path`, so that a create or rename in it is durable.
    public static func syncDirectory(of path: String) throws {
        let directory = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DatabaseError(extendedCode: .ioerrDirFsync, message: "cannot open directory \(directory) to sync it: \(String(cString: strerror(errno)))")
        }
        defer { closeDescriptor(fd) }
        guard fsync(fd) == 0 else {
            throw DatabaseError(extendedCode: .ioerrDirFsync, message: "fsync of directory \(directory) failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes `path` and its journal, WAL and shared-memory companions; missing files are fine.
    /// Removes a database file and its `-wal`, `-shm` and `-journal` companions, if present.
    public static func removeFiles(_ path: String) { removeDatabaseFiles(path) }

    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            // ENOENT is expected for companions that were never created.
            _ = unlink(path + suffix)
        }
    }
}

/// Closes a descriptor that was only opened to create or fsync a file: nothing buffered in it
/// can be lost, so close's result carries no information (at file scope, `close` is the C call).
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// Where an online backup stands, passed to `Database.backup`'s progress closure.
public struct BackupProgress: Sendable, Hashable {
    /// Pages still to copy.
    public let remainingPages: Int
    /// Pages in the source database.
    public let totalPages: Int
}
