#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock on a file (`flock(2)`, exclusive, never waiting), held until the value is
/// released or the process ends — so a `kill -9` never leaves a stale lock behind.
///
/// `missionhub serve` holds `<data dir>/hub.lock` while it runs; `missionhub restore` takes it
/// too, and so refuses to replace a store that a running hub has open.
public final class FileLock: Sendable {
    private let fd: Int32
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// The lock on `path` (created 0600 when missing), or nil when another process holds it.
    /// Throws the errno text when the file cannot be opened or locked for another reason.
    public static func tryAcquire(_ path: String) throws(Errno) -> FileLock? {
        let fd: Int32
        switch SystemCall.retryingOnInterrupt({ open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600) }) {
        case .success(let value): fd = value
        case .failure(let error): throw error
        }
        switch SystemCall.retryingOnInterrupt({ flock(fd, LOCK_EX | LOCK_NB) }) {
        case .success:
            return FileLock(fd: fd, path: path)
        case .failure(let error):
            close(fd)
            if error.rawValue == EWOULDBLOCK { return nil }
            throw error
        }
    }
}
