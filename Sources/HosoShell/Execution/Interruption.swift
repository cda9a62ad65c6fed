import Synchronization

/// The Ctrl-C flag: a SIGINT handler sets it, the executor checks it between rows and stops the
/// running statement with a "cancelled" error; the shell clears it before each statement.
///
/// ```swift
/// Interruption.clear()
/// try Interruption.check()   // throws when Ctrl-C was pressed since
/// ```
public enum Interruption {
    static let flag = Atomic<Bool>(false)

    /// Marks the running statement as cancelled (async-signal-safe).
    public static func request() { flag.store(true, ordering: .relaxed) }
    /// Clears the flag.
    public static func clear() { flag.store(false, ordering: .relaxed) }
    /// Whether cancellation was requested.
    public static var requested: Bool { flag.load(ordering: .relaxed) }
    /// Throws ``QueryError`` "cancelled" when requested.
    public static func check() throws(QueryError) {
        if requested { clear(); throw QueryError("cancelled (Ctrl-C); nothing was changed", location: nil) }
    }
}
