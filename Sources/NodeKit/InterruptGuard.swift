#if canImport(Glibc)
import Glibc
#endif

/// While an interactive command collects answers, Ctrl-C (SIGINT) ends the process with
/// `cancelled; nothing was saved` instead of silently: nothing has been written at that point.
/// The guard is lifted before the store is written, so an interrupt during the write gets the
/// default action (the transaction is then either whole or absent, as after any crash).
enum InterruptGuard {
    /// Exit status after an interrupt (128 + SIGINT, what shells report for Ctrl-C).
    static let interruptedStatus: Int32 = 130

    /// From now on SIGINT prints the message and exits at once. SIGINT is also unblocked for
    /// this thread: a process started from a thread that blocks signals (Dispatch worker
    /// threads block nearly all) inherits that mask, and Ctrl-C would then do nothing.
    static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        // Only async-signal-safe calls inside: write(2) of a constant and _exit(2).
        signal(SIGINT) { _ in
            let message: StaticString = "\ncancelled; nothing was saved\n"
            _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
            _exit(130)
        }
    }

    /// SIGINT gets its default action again.
    static func remove() {
        signal(SIGINT, SIG_DFL)
    }
}
