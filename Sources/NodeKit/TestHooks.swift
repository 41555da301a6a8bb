/// Fault injection for tests, read from the environment in DEBUG builds only; a release build
/// ignores these variables entirely.
///
/// - `FIELDNODE_TEST_MAX_PAGES=N`: `PRAGMA max_page_count = N` on the store connection, so a
///   write that needs more pages fails with a real `SQLITE_FULL` (the disk-full path).
/// - `FIELDNODE_TEST_BUSY_TIMEOUT_MS=N`: how long a writer waits for another (default 5000),
///   so a test of the busy path need not wait five seconds.
/// - `FIELDNODE_TEST_CLOCK_OFFSET_MS=N`: the store's wall clock runs N ms ahead (negative:
///   behind), as a laptop whose system clock is wrong.
struct TestHooks: Sendable, Equatable {
    var maxPageCount: Int?
    var busyTimeoutMilliseconds: Int?
    var clockOffsetMilliseconds: Int64?

    init(environment: [String: String]) {
        #if DEBUG
        maxPageCount = environment["FIELDNODE_TEST_MAX_PAGES"].flatMap { Int($0) }
        busyTimeoutMilliseconds = environment["FIELDNODE_TEST_BUSY_TIMEOUT_MS"].flatMap { Int($0) }
        clockOffsetMilliseconds = environment["FIELDNODE_TEST_CLOCK_OFFSET_MS"].flatMap { Int64($0) }
        #endif
    }
}
