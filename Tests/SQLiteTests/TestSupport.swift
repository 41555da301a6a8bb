import Foundation
import Testing
@testable import SQLite

/// A fresh directory under /tmp, removed (with everything in it) when released.
final class TempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/fieldsync-sqlite-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        path = String(cString: created)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Opens a database in this directory.
    func open(_ name: String = "test.sqlite", _ options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        try Database(path: file(name), options: options)
    }

    deinit {
        // Tests may chmod subdirectories read-only; give permissions back before removing.
        let manager = FileManager.default
        if let entries = manager.enumerator(atPath: path) {
            for case let entry as String in entries {
                _ = chmod(file(entry), 0o700)  // best effort: removal below reports what remains
            }
        }
        do {
            try manager.removeItem(atPath: path)
        } catch {
            Issue.record("could not remove temp dir \(path): \(error)")
        }
    }
}

/// Expects `body` to throw a `DatabaseError` and returns it (nil, recorded as an issue, otherwise).
@discardableResult
func expectDatabaseError<T>(
    _ sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) -> DatabaseError? {
    do {
        _ = try body()
        Issue.record("expected a DatabaseError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DatabaseError {
        return error
    } catch {
        Issue.record("expected a DatabaseError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// An error type tests throw from closures to check it comes back unchanged.
struct MarkerError: Error, Equatable {
    let id: Int
}

extension Database {
    /// `SELECT count(*) FROM table`.
    func count(_ table: String) throws -> Int {
        try scalar("SELECT count(*) FROM \(table)", as: Int.self) ?? -1
    }
}
