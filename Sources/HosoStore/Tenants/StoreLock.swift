import Foundation

/// The store's lock file (`STORE/.lock`): every operation that puts a tenant directory in
/// place or takes one away (create, compact, restore, drop) holds it exclusively, in whatever
/// process it runs, so two swaps never interleave and recovery at open never mistakes a swap
/// in progress for an abandoned one.
struct StoreLock {
    let path: String

    /// Runs `body` holding the lock exclusively, waiting for another holder to finish.
    func exclusively<T>(_ body: () throws -> T) throws -> T {
        let fd = try openFile()
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw HosoError.storage(.status(code: errno, operation: "flock(\(path))")) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Runs `body` holding the lock shared: swaps wait until it is done, and recovery leaves
    /// the working folders alone meanwhile (verify's scratch rebuild is one).
    func shared<T>(_ body: () throws -> T) throws -> T {
        let fd = try openFile()
        defer { close(fd) }
        while flock(fd, LOCK_SH) != 0 {
            guard errno == EINTR else { throw HosoError.storage(.status(code: errno, operation: "flock(\(path))")) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Runs `body` holding the lock exclusively if no other process holds it now; returns nil
    /// without running it otherwise.
    func ifFree<T>(_ body: () throws -> T) throws -> T? {
        let fd = try openFile()
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return nil }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    private func openFile() throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw HosoError.storage(.status(code: errno, operation: "open(\(path))")) }
        return fd
    }
}
