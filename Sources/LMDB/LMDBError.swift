import CLMDB

/// An error from the LMDB layer: a status code returned by the C library, or a misuse the
/// Swift layer refuses before it reaches LMDB.
///
/// ```swift
/// do {
///     try env.write { txn in try txn.put(db, key: key, value: value) }
/// } catch LMDBError.diskFull(let path, _, let free) {
///     print("the disk of \(path) is full (\(free) bytes free): nothing was written")
/// } catch LMDBError.mapLimitReached(let path, let maximum) {
///     print("\(path) reached its maximum of \(maximum) bytes: raise MapGrowthPolicy.maximumSize")
/// }
/// ```
public enum LMDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// LMDB returned `code` from `operation`.
    case status(code: Int32, operation: String)
    /// A write transaction was begun on a thread that already holds one on the same environment;
    /// LMDB would deadlock. Finish the outer `write { }` first, or do the work inside it.
    case nestedWriteTransaction(path: String)
    /// The map is full and could not be grown because read transactions stayed open.
    case mapGrowthBlocked(path: String, mapSize: Int)
    /// The map reached the growth policy's maximum size.
    case mapLimitReached(path: String, maximum: Int)
    /// The environment was closed before this call.
    case closed(path: String)
    /// The file is already open in this process with other durability or access settings.
    case optionsMismatch(path: String, open: String, requested: String)
    /// The environment's directory was swapped away (compacted, restored or dropped, by this
    /// or another process) after it was opened here: nothing was written; open it again.
    case replaced(path: String)
    /// The disk holding the environment is full (or the file hit a size or quota limit):
    /// the transaction was not committed.
    case diskFull(path: String, operation: String, freeBytes: Int)

    /// `true` when LMDB reported `MDB_MAP_FULL`.
    public var isMapFull: Bool { if case .status(MDB_MAP_FULL, _) = self { return true }; return false }
    /// `true` when LMDB reported `MDB_NOTFOUND`.
    public var isNotFound: Bool { if case .status(MDB_NOTFOUND, _) = self { return true }; return false }
    /// `true` when LMDB reported `MDB_KEYEXIST`.
    public var isKeyExist: Bool { if case .status(MDB_KEYEXIST, _) = self { return true }; return false }

    public var description: String {
        switch self {
        case let .status(code, operation):
            let message = String(cString: mdb_strerror(code))
            var advice = ""
            switch code {
            case MDB_MAP_FULL: advice = "; the map will be grown and the batch retried"
            case MDB_READERS_FULL: advice = "; too many open read transactions: close idle readers or raise maxReaders"
            case MDB_BAD_VALSIZE: advice = "; keys are limited to \(Int(mdb_env_get_maxkeysize(nil))) bytes"
            case MDB_DBS_FULL: advice = "; raise maxDatabases when opening the environment"
            default: break
            }
            return "LMDB \(operation) failed: \(message) (\(code))\(advice)"
        case let .nestedWriteTransaction(path):
            return "a write transaction is already open on \(path) in this thread; do the work inside the outer write { } instead of opening a second one"
        case let .mapGrowthBlocked(path, size):
            return "the map of \(path) is full (\(size) bytes) and could not grow because read transactions stayed open; close long-running readers and retry"
        case let .mapLimitReached(path, maximum):
            return "the store at \(path) reached its configured maximum size of \(maximum) bytes; raise the maximum or free disk space"
        case let .closed(path):
            return "the environment at \(path) is closed"
        case let .replaced(path):
            return "\(path) was replaced (compacted, restored or dropped) after this process opened it; nothing was written: open the tenant again and retry"
        case let .diskFull(path, operation, free):
            return "the disk holding \(path) is full (\(free) bytes free; \(operation) could not write): nothing of this transaction was written; free disk space and retry"
        case let .optionsMismatch(path, open, requested):
            return "\(path) is already open in this process with \(open); it cannot be opened again with \(requested): close the other handle first or use the same settings"
        }
    }
}

@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    if code != 0 { throw LMDBError.status(code: code, operation: operation()) }
}
