/// The release of fieldsync: the one place its version is written. `--version` of both
/// executables prints ``line(executable:protocolVersion:)``.
public enum ProductVersion {
    /// The release, as `make install` ships it.
    public static let release = "0.14.0"

    /// `missionhub 0.14.0 (protocol 1)`.
    public static func line(executable: String, protocolVersion: String) -> String {
        "\(executable) \(release) (protocol \(protocolVersion))"
    }
}
