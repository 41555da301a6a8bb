import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small private files (device credentials) written so that a crash or power loss leaves
/// either the old file or the new one, and read only when nobody else can read them.
///
/// Invariants:
/// 1. `write` creates `<path>.tmp-<random>` with `O_CREAT|O_EXCL|O_NOFOLLOW` and mode 0600, writes
///    every byte, `fsync`s it, `rename`s it over `path`, then `fsync`s the directory so the
///    rename itself is durable. On any failure the temporary file is removed.
/// 2. `read` refuses a path that is not a regular file, or whose mode grants anything to group
///    or others (`mode & 0o077 != 0`), before reading a byte.
public enum SecureFile {
    /// The largest file `read` accepts.
    public static let maxBytes = 64 * 1024

    public enum Failure: Error, Sendable {
        case missing
        case insecure(mode: UInt32)
        case notRegular
        case tooLarge
        case system(operation: String, errno: Int32)

        public var text: String {
            switch self {
            case .missing: "no such file"
            case .insecure(let mode): "mode \(String(mode, radix: 8)) lets group or others read or write it"
            case .notRegular: "not a regular file"
            case .tooLarge: "larger than \(SecureFile.maxBytes) bytes"
            case .system(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
            }
        }
    }

    /// Writes `bytes` to `path` atomically and durably with mode 0600 (invariant 1).
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let temporary = path + ".tmp-" + suffix
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system(operation: "creating \(temporary)", errno: errno) }
        do throws(Failure) {
            try writeAll(bytes, fd: fd, path: temporary)
            guard fchmod(fd, 0o600) == 0 else { throw Failure.system(operation: "chmod \(temporary)", errno: errno) }
            guard fsync(fd) == 0 else { throw Failure.system(operation: "fsync \(temporary)", errno: errno) }
            guard close(fd) == 0 else { throw Failure.system(operation: "close \(temporary)", errno: errno) }
        } catch {
            _ = close(fd)
            _ = unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            _ = unlink(temporary)
            throw .system(operation: "renaming \(temporary) to \(path)", errno: code)
        }
        try syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Reads `path` if it is a regular file private to its owner (invariant 2).
    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .missing : .system(operation: "opening \(path)", errno: code)
        }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system(operation: "stat \(path)", errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegular }
        guard info.st_mode & 0o077 == 0 else { throw .insecure(mode: UInt32(info.st_mode & 0o7777)) }
        guard info.st_size <= maxBytes else { throw .tooLarge }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "reading \(path)", errno: errno)
            }
            out += chunk[0..<n]
            if out.count > maxBytes { throw .tooLarge }
        }
        return out
    }

    /// Removes `path`; a missing file is fine.
    public static func remove(_ path: String) throws(Failure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .system(operation: "removing \(path)", errno: errno) }
    }

    /// The file's identity and modification time, to notice a replaced file cheaply; nil when
    /// it does not exist.
    public static func fingerprint(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_size)"
    }

    private static func writeAll(_ bytes: [UInt8], fd: Int32, path: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, buffer.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "writing \(path)", errno: errno)
            }
            offset += n
        }
    }

    private static func syncDirectory(_ directory: String) throws(Failure) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(operation: "opening directory \(directory)", errno: errno) }
        defer { _ = close(fd) }
        guard fsync(fd) == 0 else { throw .system(operation: "fsync directory \(directory)", errno: errno) }
    }
}
