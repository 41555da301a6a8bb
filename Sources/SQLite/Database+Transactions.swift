extension Database {
    /// Runs `body` inside `BEGIN <kind>` … `COMMIT` and returns its result.
    ///
    /// If `body` throws, or `COMMIT` fails (e.g. `SQLITE_BUSY`, `SQLITE_FULL`), the
    /// transaction is rolled back (when SQLite has not already done so) and the FIRST error
    /// is rethrown; an error from `ROLLBACK` never replaces it (it is kept in
    /// `lastRollbackError`). If SQLite rolled the transaction back by itself while `body`
    /// swallowed the error, nothing is committed and `.abort` is thrown.
    ///
    /// Calling it while a transaction is open is a `.misuse` error: nest with `inSavepoint`.
    public func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw error(.misuse, "inTransaction called while a transaction is open; nest with inSavepoint")
        }
        try execute(kind.sql)
        return try finish(body, commit: "COMMIT TRANSACTION", rollback: "ROLLBACK TRANSACTION")
    }

    /// Runs `body` inside a savepoint: `SAVEPOINT` … `RELEASE`, or on error `ROLLBACK TO` +
    /// `RELEASE` and rethrow. Nests to any depth. Outside a transaction it runs as
    /// `inTransaction(.immediate)` instead (a top-level savepoint would be a deferred
    /// transaction, open to `SQLITE_BUSY` on its first write).
    public func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInTransaction else { return try inTransaction(.immediate, body) }
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "fieldsync_sp\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        return try finish(body, commit: "RELEASE SAVEPOINT \(name)",
                          rollback: "ROLLBACK TRANSACTION TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
    }

    /// Runs `body` after BEGIN/SAVEPOINT, then `commit`; on any error runs `rollback` (if a
    /// transaction is still open) and rethrows that first error.
    private func finish<T>(_ body: () throws -> T, commit: String, rollback: String) throws -> T {
        do {
            let result = try body()
            try ensureStillInTransaction()
            try execute(commit)
            return result
        } catch {
            rollbackKeepingFirstError(rollback)
            throw error
        }
    }

    /// Throws `.abort` if SQLite ended the transaction on its own (after FULL/IOERR/BUSY/NOMEM)
    /// and the caller went on as if nothing happened.
    private func ensureStillInTransaction() throws {
        guard isInTransaction else {
            throw error(.abort, "SQLite rolled the transaction back after an earlier error inside it that was not "
                + "propagated; nothing was committed — let errors inside transactions propagate")
        }
    }

    /// Runs `sql` if a transaction is still open; a failure is recorded, not thrown, because
    /// the caller is already rethrowing the error that caused the rollback.
    private func rollbackKeepingFirstError(_ sql: String) {
        guard isInTransaction else { return }
        do {
            try execute(sql)
        } catch let rollbackError as DatabaseError {
            lastRollbackError = rollbackError
        } catch {
            // execute throws only DatabaseError; keep the shape anyway.
            lastRollbackError = self.error(.error, "\(error)", sql: sql)
        }
    }
}
