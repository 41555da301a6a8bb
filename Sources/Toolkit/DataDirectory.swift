import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a fieldsync program keeps its data, and making sure that place is usable and private.
public enum DataDirectory {
    /// The data directory to use, by the first rule that gives a non-empty answer:
    ///
    /// 1. `flag` (`--data-dir`), as given;
    /// 2. `environment[envVar]` (e.g. `FIELDNODE_DATA_DIR`);
    /// 3. `$STATE_DIRECTORY` (set by systemd's `StateDirectory=`; the first of several
    ///    colon-separated paths);
    /// 4. `$XDG_DATA_HOME/<fallbackSubpath>` if `$XDG_DATA_HOME` is absolute (the XDG spec
    ///    says to ignore a relative one);
    /// 5. `$HOME/.local/share/<fallbackSubpath>`, with the password database's home directory
    ///    when `$HOME` is unset.
    public static func resolve(
        flag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        envVar: String,
        fallbackSubpath: String
    ) -> String {
        if let flag = nonEmpty(flag) { return flag }
        if let variable = nonEmpty(environment[envVar]) { return variable }
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init),
           let state = nonEmpty(state) {
            return state
        }
        if let xdg = nonEmpty(environment["XDG_DATA_HOME"]), xdg.hasPrefix("/") {
            return joined(xdg, fallbackSubpath)
        }
        let home = nonEmpty(environment["HOME"]) ?? SystemCall.effectiveUser().home ?? "/"
        return joined(joined(home, ".local/share"), fallbackSubpath)
    }

    /// Makes sure `path` is a directory this user can write and nobody else can read:
    ///
    /// - missing: created with its missing parents, each with mode 0700;
    /// - present and ours but readable or writable by group or others: tightened to 0700;
    /// - present but a file, or not writable by us: an error saying which path and what to do.
    public static func prepare(_ path: String) throws(DataDirectoryError) {
        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            guard code == ENOENT || code == ENOTDIR else { throw .inaccessible(path, Errno(code)) }
            try createMissing(path)
            guard stat(path, &info) == 0 else { throw .inaccessible(path, Errno(errno)) }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path) }
        if info.st_uid == geteuid(), info.st_mode & 0o077 != 0 {
            guard chmod(path, 0o700) == 0 else { throw .cannotSetMode(path, Errno(errno)) }
        }
        guard faccessat(AT_FDCWD, path, W_OK | X_OK, AT_EACCESS) == 0 else {
            throw .notWritable(path, user: SystemCall.effectiveUserName())
        }
    }

    /// Creates each missing component of `path` with mode 0700.
    private static func createMissing(_ path: String) throws(DataDirectoryError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "/" : prefix
            prefix += "/" + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw .parentNotADirectory(path, parent: prefix) }
                continue
            }
            guard mkdir(prefix, 0o700) == 0 || errno == EEXIST else {
                let code = errno
                switch code {
                case EACCES, EPERM, EROFS:
                    throw .cannotCreate(path, parent: parent, user: SystemCall.effectiveUserName(), Errno(code))
                default:
                    throw .inaccessible(path, Errno(code))
                }
            }
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    private static func joined(_ base: String, _ sub: String) -> String {
        var base = base
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        let sub = sub.drop { $0 == "/" }
        if sub.isEmpty { return base }
        return base == "/" ? "/" + sub : base + "/" + sub
    }
}
