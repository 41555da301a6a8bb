/// Who runs this process, for records that name a person (the hub's audit log).
public enum UnixUser {
    /// The effective user's name from the password database, or `uid N` when it has none.
    public static func effectiveName() -> String { SystemCall.effectiveUserName() }
}
