import Foundation

/// `make install DESTDIR=.build/install-check/stage PREFIX=/usr/local`, run once per test run
/// from the repository root (the previous run's stage removed first), and the tree it left.
/// SwiftPM builds in `.build/install-check` too (`SCRATCH=`), since `swift test` holds `.build`
/// while tests run; `make clean` removes both.
struct StagedInstall: Sendable {
    /// The DESTDIR: installed paths are `root + "/usr/local/..."`.
    let root: String
    /// How long `make install` took, build included.
    let seconds: Int

    /// Every file `make install` must put in place (relative to DESTDIR).
    static let installedFiles = [
        "/usr/local/bin/fieldnode",
        "/usr/local/bin/missionhub",
        "/usr/local/lib/systemd/system/fieldnode.service",
        "/usr/local/lib/systemd/system/missionhub.service",
        "/usr/local/lib/systemd/system/missionhub-backup.service",
        "/usr/local/lib/systemd/system/missionhub-backup.timer",
        "/usr/local/lib/sysusers.d/fieldsync.conf",
        "/usr/local/share/fieldsync/fieldnode.conf.example",
        "/usr/local/share/fieldsync/missionhub.conf.example",
        "/usr/local/share/fieldsync/nginx/missionhub.conf",
        "/usr/local/share/fieldsync/README.md",
    ]

    func binary(_ name: String) -> String { root + "/usr/local/bin/" + name }

    /// Why `make install` failed: its status and the end of its output.
    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    static func make() -> Result<StagedInstall, Failure> {
        let repository = DeployFiles.deployDirectory.deletingLastPathComponent().path
        let build = repository + "/.build/install-check"
        let root = build + "/stage"
        guard let make = Tool.find("make") else { return .failure(Failure(description: "make is not installed")) }
        do {
            let scratch = try ScratchDirectory()
            if FileManager.default.fileExists(atPath: root) { try FileManager.default.removeItem(atPath: root) }
            let started = Date()
            let result = try Tool.run(make, ["-C", repository, "install", "DESTDIR=\(root)", "PREFIX=/usr/local",
                                             "SCRATCH=\(build)"], in: scratch)
            let seconds = Int(Date().timeIntervalSince(started).rounded())
            guard result.status == 0 else {
                return .failure(Failure(description: "status \(result.status)\n\(result.output.suffix(2000))\n\(result.errorOutput.suffix(4000))"))
            }
            Tool.report("make install (release build included) took \(seconds) s")
            return .success(StagedInstall(root: root, seconds: seconds))
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }
}
