#if canImport(Glibc)
import Glibc
#endif

/// One seam in front of the few system calls Toolkit makes, so `-1`/`errno`/`EINTR` handling
/// lives in one place (after swift-system's `valueOrErrno(retryOnInterrupt:)`).
enum SystemCall {
    /// Calls `body` until it does not fail with `EINTR`; returns its result, or `.failure(errno)`.
    static func retryingOnInterrupt<T: BinaryInteger>(_ body: () -> T) -> Result<T, Errno> {
        while true {
            let result = body()
            if result != -1 { return .success(result) }
            let code = errno
            if code != EINTR { return .failure(Errno(code)) }
        }
    }

    /// Writes all of `text` to `fd`, retrying on `EINTR` and short writes. A line shorter than
    /// `PIPE_BUF` (4096) goes out in one `write(2)` and so is never interleaved with other writers.
    @discardableResult
    static func writeAll(_ text: String, to fd: Int32) -> Result<Void, Errno> {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { buffer -> Result<Void, Errno> in
            guard let base = buffer.baseAddress else { return .success(()) }
            var offset = 0
            while offset < buffer.count {
                let written = retryingOnInterrupt { write(fd, base + offset, buffer.count - offset) }
                switch written {
                case .success(let count): offset += count
                case .failure(let error): return .failure(error)
                }
            }
            return .success(())
        }
    }

    /// The effective user's name and home directory from the password database (`getpwuid_r`).
    static func effectiveUser() -> (name: String?, home: String?) {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(geteuid(), &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return (nil, nil) }
        let name = entry.pw_name.map { String(cString: $0) }
        let home = entry.pw_dir.map { String(cString: $0) }
        return (name?.isEmpty == false ? name : nil, home?.isEmpty == false ? home : nil)
    }

    /// The name of the effective user, or `uid N` when the password database does not know it.
    static func effectiveUserName() -> String {
        effectiveUser().name ?? "uid \(geteuid())"
    }
}

/// A C `errno` value with its readable text.
public struct Errno: Error, Equatable, CustomStringConvertible, Sendable {
    public let rawValue: Int32

    public init(_ rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The text `strerror(3)` gives, e.g. "Permission denied".
    public var description: String {
        String(cString: strerror(rawValue))
    }
}
