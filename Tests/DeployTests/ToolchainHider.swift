import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs commands with the Swift toolchain out of reach, as on a laptop that never had it.
///
/// The toolchain is found from this test process itself: the directory of the `libswiftCore.so`
/// it runs on (`/proc/self/maps`), up to its root (`/opt/swift` for
/// `/opt/swift/usr/lib/swift/linux/libswiftCore.so`; `/usr/lib/swift` when Swift is installed in
/// `/usr`). A command then runs in a new mount namespace (util-linux `unshare`) in which an empty
/// directory is bind-mounted over that root: neither the dynamic loader nor anything the program
/// opens later can find a file of the toolchain, whatever RUNPATH, `LD_LIBRARY_PATH` or
/// `dlopen` would say. The rest of the file system, the scratch directories included, is
/// unchanged, and the host's mounts are never touched.
///
/// As root a mount namespace alone is enough; otherwise an unprivileged user namespace maps the
/// caller to root inside (`unshare --user --map-root-user`). Where neither is allowed (a
/// container without CAP_SYS_ADMIN, user namespaces disabled), `prepare` says what failed.
struct ToolchainHider {
    /// The directory hidden: the toolchain's root.
    let hiddenPath: String
    private let prefix: [String]

    /// The toolchain this process runs on, or nil when its runtime is not a shared library.
    static var toolchainRoot: String? {
        // Read to the end: /proc files report a size of 0, which String(contentsOfFile:) trusts.
        guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps")).readToEnd(),
              let maps = String(data: data, encoding: .utf8),
              let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libswiftCore.so") }),
              let slash = line.firstIndex(of: "/")
        else { return nil }
        let library = String(line[slash...])
        if let range = library.range(of: "/usr/lib/swift/"), range.lowerBound != library.startIndex {
            return String(library[..<range.lowerBound])
        }
        return URL(fileURLWithPath: library).deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Why the toolchain cannot be hidden here, or nil when it can (checked once, printed).
    static let unavailableReason: String? = {
        guard let scratch = try? ScratchDirectory() else { return "no scratch directory" }
        switch prepare(in: scratch) {
        case .success: return nil
        case .failure(let reason):
            Tool.report("cannot hide the toolchain: \(reason)")
            return reason.description
        }
    }()

    /// A hider for the toolchain, checked to work: inside, the toolchain's root is empty.
    /// Returns the reason when it cannot be made here.
    static func prepare(in scratch: ScratchDirectory) -> Result<ToolchainHider, HiderUnavailable> {
        guard let root = toolchainRoot else {
            return .failure(HiderUnavailable("this test process does not load libswiftCore.so from a toolchain"))
        }
        guard let unshare = Tool.find("unshare"), let shell = Tool.find("sh") else {
            return .failure(HiderUnavailable("unshare (util-linux) or sh is not installed"))
        }
        let empty = scratch.path + "/empty-toolchain"
        try? FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let namespaces = getuid() == 0 ? ["--mount"] : ["--user", "--map-root-user", "--mount"]
        let script = #"mount --bind "$1" "$2" || exit 125; shift 2; exec "$@""#
        let hider = ToolchainHider(hiddenPath: root, prefix: [unshare] + namespaces + [shell, "-c", script, "sh", empty, root])
        do {
            let probe = try hider.run([shell, "-c", #"test -z "$(ls -A "$1")""#, "sh", root], in: scratch)
            guard probe.status == 0 else {
                return .failure(HiderUnavailable("unshare \(namespaces.joined(separator: " ")) could not hide \(root): \(probe.transcript)"))
            }
        } catch {
            return .failure(HiderUnavailable("unshare could not be run: \(error)"))
        }
        return .success(hider)
    }

    /// Runs `command` (an absolute executable path and its arguments) with the toolchain hidden.
    func run(_ command: [String], in scratch: ScratchDirectory) throws -> ProcessResult {
        try Tool.run(prefix[0], Array(prefix.dropFirst()) + command, in: scratch)
    }
}

/// Why the toolchain cannot be hidden on this machine.
struct HiderUnavailable: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
