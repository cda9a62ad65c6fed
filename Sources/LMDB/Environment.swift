import CLMDB
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An LMDB environment: one memory-mapped file holding named ``Database``s.
///
/// Open it with ``open(path:options:)``: each directory is opened once per process (a registry
/// keyed by device and inode returns the live instance to every caller), with `MDB_NOTLS` so
/// read transactions can hop threads, stale reader slots are cleared at open, and the map grows
/// by a ``MapGrowthPolicy``. Writes are serialized (one writer per environment) and run
/// synchronously on the calling thread.
///
/// ```swift
/// let env = try Environment.open(path: directory)
/// let db = try env.openDatabase("notes", flags: [.create])
/// try env.write { txn in try txn.put(db, key: Array("apple".utf8), value: Array("1".utf8)) }
/// let value = try env.read { txn in try txn.get(db, key: Array("apple".utf8)).map { Array($0) } }
/// print(value ?? [])   // [49]
/// ```
public final class Environment: @unchecked Sendable {
    /// Options for ``Environment/open(path:options:)``.
    public struct Options: Sendable, Hashable {
        /// Named databases the environment may hold.
        public var maxDatabases: Int = 64
        /// Concurrent read transactions.
        public var maxReaders: Int = 254
        /// Map sizing.
        public var growth: MapGrowthPolicy = .default
        /// Durability of commits.
        public var durability: Durability = .full
        /// Opens the environment read-only.
        public var readOnly: Bool = false
        /// Creates options.
        public init(maxDatabases: Int = 64, maxReaders: Int = 254, growth: MapGrowthPolicy = .default,
                    durability: Durability = .full, readOnly: Bool = false) {
            self.maxDatabases = maxDatabases; self.maxReaders = maxReaders; self.growth = growth
            self.durability = durability; self.readOnly = readOnly
        }
    }

    /// How much a commit survives.
    public enum Durability: Sendable, Hashable {
        /// Every commit is synced to disk before it returns.
        case full
        /// `MDB_NOMETASYNC`: a commit survives a process crash; a power loss may lose the last
        /// commits but never corrupts the file.
        case noMetaSync
        /// `MDB_NOSYNC`: the OS decides when to write; call ``Environment/sync(force:)`` to flush.
        case none
    }

    /// The directory the environment lives in.
    public let path: String
    /// Options it was opened with.
    public let options: Options

    let handle: OpaquePointer
    /// Held shared by every transaction, exclusive while the map is resized.
    private let resizeLock: UnsafeMutablePointer<pthread_rwlock_t>
    private let writer = Mutex<pthread_t?>(nil)
    private let mapFullFlag = Atomic<Bool>(false)
    private let databases = Mutex<[String: Database]>([:])
    /// Held while a transaction of this process opens database handles (`mdb_dbi_open` must not
    /// run in two transactions at once): by ``openDatabase(_:flags:)`` and ``copyRewritten(to:entriesPerTransaction:)``.
    let handleOpening = Mutex<Void>(())
    private let isClosed = Atomic<Bool>(false)
    /// Reset read transactions kept for reuse (`mdb_txn_renew` is cheaper than a new begin).
    private let idleReaders = Mutex<[IdleReader]>([])

    /// A reset read transaction; only the pool touches it.
    struct IdleReader: @unchecked Sendable { let txn: OpaquePointer }
    private let identity: FileIdentity
    /// Set when the environment was closed because its directory was swapped away.
    private let wasReplaced = Atomic<Bool>(false)
    private var closedError: LMDBError {
        wasReplaced.load(ordering: .acquiring) ? .replaced(path: path) : .closed(path: path)
    }
    /// When the directory was last found to be the one opened (monotonic nanoseconds).
    private let lastVerified = Atomic<UInt64>(0)
    /// Stale reader slots cleared when the environment was opened.
    public let staleReadersCleared: Int

    // MARK: Opening

    /// Opens (creating the directory if needed) the environment at `path`, or returns the
    /// instance already open in this process for the same directory.
    ///
    /// - Throws: ``LMDBError`` when LMDB cannot open the file, for example on a permission error.
    public static func open(path: String, options: Options = Options()) throws -> Environment {
        if !options.readOnly { mkdir(path, 0o700) }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw LMDBError.status(code: errno, operation: "stat(\(path))")
        }
        let id = FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        return try registry.withLock { table throws -> Environment in
            if let live = table[id]?.environment, !live.isClosed.load(ordering: .acquiring) {
                // One environment per file: a second open must not silently get other settings.
                guard live.options.durability == options.durability, live.options.readOnly == options.readOnly else {
                    throw LMDBError.optionsMismatch(path: path, open: "\(live.options.durability)\(live.options.readOnly ? ", read-only" : "")",
                                                    requested: "\(options.durability)\(options.readOnly ? ", read-only" : "")")
                }
                return live
            }
            let env = try Environment(path: path, options: options, identity: id)
            table[id] = WeakEnvironment(env)
            return env
        }
    }

    private init(path: String, options: Options, identity: FileIdentity) throws {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "env_create")
        guard let env else { throw LMDBError.status(code: ENOMEM, operation: "env_create") }
        var flags = UInt32(MDB_NOTLS)
        switch options.durability {
        case .full: break
        case .noMetaSync: flags |= UInt32(MDB_NOMETASYNC)
        case .none: flags |= UInt32(MDB_NOSYNC)
        }
        if options.readOnly { flags |= UInt32(MDB_RDONLY) }
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases)), "env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, UInt32(options.maxReaders)), "env_set_maxreaders")
            // A larger existing file keeps its own size: LMDB raises the map to what is used.
            try check(mdb_env_set_mapsize(env, options.growth.initialSize), "env_set_mapsize")
            try check(mdb_env_open(env, path, flags, 0o600), "env_open(\(path))")
            // The files hold what they hold whatever the umask was: the owner only.
            if !options.readOnly {
                chmod(path, 0o700); chmod(path + "/data.mdb", 0o600); chmod(path + "/lock.mdb", 0o600)
            }
        } catch {
            mdb_env_close(env)
            throw error
        }
        var dead: Int32 = 0
        mdb_reader_check(env, &dead)
        self.handle = env
        self.path = path
        self.options = options
        self.identity = identity
        self.staleReadersCleared = Int(dead)
        resizeLock = .allocate(capacity: 1)
        pthread_rwlock_init(resizeLock, nil)
        // Start with room to grow: an existing file opens at no less than what it uses.
        let info = self.rawInfo()
        if Double(info.usedBytes) > Double(info.mapSize) * options.growth.threshold {
            mdb_env_set_mapsize(env, options.growth.nextSize(after: info.mapSize, needing: info.usedBytes))
        }
    }

    deinit {
        registry.withLock { table in
            dropIdleReaders()
            if !isClosed.exchange(true, ordering: .acquiringAndReleasing) { mdb_env_close(handle) }
            if let entry = table[identity], entry.environment == nil || entry.environment === self {
                table[identity] = nil
            }
        }
        pthread_rwlock_destroy(resizeLock)
        resizeLock.deallocate()
    }

    /// Closes the environment now, waiting for running transactions to end. Later calls on
    /// this instance throw ``LMDBError/closed(path:)`` (or ``LMDBError/replaced(path:)`` with
    /// `replaced`, when its directory was swapped away); ``open(path:options:)`` opens it anew.
    public func close(replaced: Bool = false) {
        if replaced { wasReplaced.store(true, ordering: .releasing) }
        pthread_rwlock_wrlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        registry.withLock { table in
            dropIdleReaders()
            if !isClosed.exchange(true, ordering: .acquiringAndReleasing) { mdb_env_close(handle) }
            if table[identity]?.environment === self { table[identity] = nil }
        }
    }

    // MARK: Databases

    /// Opens (or with ``Database/Flags/create`` creates) the named database. Handles are cached.
    public func openDatabase(_ name: String, flags: Database.Flags = [.create]) throws -> Database {
        if let db = databases.withLock({ $0[name] }) { return db }
        let open: (OpaquePointer) throws(LMDBError) -> Database = { txn in
            var dbi: MDB_dbi = 0
            let rc = self.handleOpening.withLock { _ in mdb_dbi_open(txn, name, flags.rawValue, &dbi) }
            try check(rc, "dbi_open(\(name))")
            return Database(dbi: dbi, name: name, flags: flags.subtracting(.create))
        }
        let db: Database
        if !options.readOnly {
            db = try write { txn in try open(txn.rawHandle) }
        } else {
            // A handle opened in a read transaction lives on only if that transaction commits.
            pthread_rwlock_rdlock(resizeLock)
            defer { pthread_rwlock_unlock(resizeLock) }
            var txn: OpaquePointer?
            try check(mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn), "txn_begin(read, \(path))")
            do { db = try open(txn!) } catch { mdb_txn_abort(txn); throw error }
            try check(mdb_txn_commit(txn), "txn_commit(\(path))")
        }
        databases.withLock { $0[name] = db }
        return db
    }

    // MARK: Transactions

    /// Runs `body` in a read-only snapshot. The transaction may move between threads while the
    /// closure runs (`MDB_NOTLS`); buffers it returns are valid only inside the closure.
    ///
    /// ```swift
    /// let n = try env.read { txn in try txn.statistics(db).entries }
    /// print(n)   // 3
    /// ```
    public func read<T>(_ body: (borrowing ReadTransaction) throws -> T) throws -> T {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        guard !isClosed.load(ordering: .acquiring) else { throw closedError }
        // A swap of the directory by another process is noticed within a quarter of a second
        // (one stat then): reads never go on silently from a file that was replaced.
        let now = Self.monotonicNanos()
        if now &- lastVerified.load(ordering: .relaxed) > 250_000_000 {
            guard isStillAtPath() else { throw LMDBError.replaced(path: path) }
            lastVerified.store(now, ordering: .relaxed)
        }
        var txn: OpaquePointer? = idleReaders.withLock { $0.popLast()?.txn }
        var rc: Int32
        if let idle = txn {
            rc = mdb_txn_renew(idle)
            if rc != 0 { mdb_txn_abort(idle); txn = nil }
        }
        if txn == nil {
            rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn)
            if rc == MDB_MAP_RESIZED {
                // Another process grew the map: adopt its size.
                mdb_env_set_mapsize(handle, 0)
                rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn)
            }
            try check(rc, "txn_begin(read, \(path))")
        }
        defer {
            mdb_txn_reset(txn)
            let reader = IdleReader(txn: txn!)
            let kept = idleReaders.withLock { idle -> Bool in
                guard idle.count < 16 else { return false }
                idle.append(reader)
                return true
            }
            if !kept { mdb_txn_abort(txn) }
        }
        let transaction = ReadTransaction(handle: txn!, environment: self)
        return try body(transaction)
    }

    /// Runs `body` in the environment's single write transaction and commits it when `body`
    /// returns; `body` throwing aborts everything it wrote.
    ///
    /// When the map fills up, the transaction is aborted, the map grows and **`body` runs
    /// again**, so it must not have side effects outside the transaction. Calling `write`
    /// inside another `write` on the same thread throws ``LMDBError/nestedWriteTransaction(path:)``.
    ///
    /// ```swift
    /// try env.write { txn in
    ///     try txn.put(db, key: key, value: value)
    /// }
    /// ```
    @discardableResult
    public func write<T>(_ body: (borrowing WriteTransaction) throws -> T) throws -> T {
        guard !options.readOnly else { throw LMDBError.status(code: EACCES, operation: "write on read-only \(path)") }
        let me = pthread_self()
        let nested = writer.withLock { current -> Bool in
            if let current, pthread_equal(current, me) != 0 { return true }
            return false
        }
        if nested { throw LMDBError.nestedWriteTransaction(path: path) }
        var attempt = 0
        while true {
            attempt += 1
            try growIfNeeded()
            pthread_rwlock_rdlock(resizeLock)
            var locked = true
            defer { if locked { pthread_rwlock_unlock(resizeLock) } }
            guard !isClosed.load(ordering: .acquiring) else { throw closedError }
            var txn: OpaquePointer?
            var rc = mdb_txn_begin(handle, nil, 0, &txn)
            if rc == MDB_MAP_RESIZED {
                mdb_env_set_mapsize(handle, 0)
                rc = mdb_txn_begin(handle, nil, 0, &txn)
            }
            try check(rc, "txn_begin(write, \(path))")
            // Holding the writer lock now: if the directory was swapped away meanwhile (a
            // compaction, restore or drop in any process), writing here would be lost.
            guard isStillAtPath() else {
                mdb_txn_abort(txn)
                throw LMDBError.replaced(path: path)
            }
            lastVerified.store(Self.monotonicNanos(), ordering: .relaxed)
            writer.withLock { $0 = me }
            mapFullFlag.store(false, ordering: .relaxed)
            let outcome: Result<T, any Error>
            do {
                // A named value, not a temporary argument: the optimizer's generic specializer of
                // Swift 6.3.1 crashes on a non-copyable temporary passed to a generic closure.
                let transaction = WriteTransaction(handle: txn!, environment: self)
                let value = try body(transaction)
                let crc = mdb_txn_commit(txn)
                if crc == MDB_MAP_FULL { noteMapFull() }
                if let full = diskFullError(crc, "txn_commit") { throw full }
                try check(crc, "txn_commit(\(path))")
                outcome = .success(value)
            } catch {
                if !(error is LMDBError && (error as! LMDBError).isCommitFailure) { mdb_txn_abort(txn) }
                outcome = .failure(error)
            }
            writer.withLock { $0 = nil }
            switch outcome {
            case .success(let value):
                return value
            case .failure(let error):
                guard mapFullFlag.load(ordering: .relaxed) else { throw error }
                pthread_rwlock_unlock(resizeLock)
                locked = false
                let size = info().mapSize
                guard size < options.growth.maximumSize, attempt < 32 else {
                    throw LMDBError.mapLimitReached(path: path, maximum: options.growth.maximumSize)
                }
                try resize(to: options.growth.nextSize(after: size), waitSeconds: 30)
            }
        }
    }

    @usableFromInline
    func noteMapFull() { mapFullFlag.store(true, ordering: .relaxed) }

    // MARK: Map growth

    /// Grows the map ahead of a write when the used part passes the policy's threshold.
    private func growIfNeeded() throws {
        guard !isClosed.load(ordering: .acquiring) else { throw closedError }
        let info = self.info()
        guard Double(info.usedBytes) > Double(info.mapSize) * options.growth.threshold,
              info.mapSize < options.growth.maximumSize else { return }
        // Ahead of need: do not wait long for readers; the write retries if it fills up.
        try? resize(to: options.growth.nextSize(after: info.mapSize, needing: info.usedBytes), waitSeconds: 0.05)
    }

    private func resize(to size: Int, waitSeconds: Double) throws {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanos = Int(deadline.tv_nsec) + Int(waitSeconds * 1e9)
        deadline.tv_sec += nanos / 1_000_000_000
        deadline.tv_nsec = nanos % 1_000_000_000
        guard pthread_rwlock_timedwrlock(resizeLock, &deadline) == 0 else {
            throw LMDBError.mapGrowthBlocked(path: path, mapSize: info().mapSize)
        }
        defer { pthread_rwlock_unlock(resizeLock) }
        guard !isClosed.load(ordering: .acquiring) else { throw closedError }
        dropIdleReaders()
        if rawInfo().mapSize < size { try check(mdb_env_set_mapsize(handle, size), "env_set_mapsize(\(size))") }
    }

    /// Frees the pooled read transactions (before a resize or close: LMDB wants none open).
    private func dropIdleReaders() {
        for reader in idleReaders.withLock({ idle -> [IdleReader] in defer { idle.removeAll() }; return idle }) { mdb_txn_abort(reader.txn) }
    }

    // MARK: Information

    /// Map size, pages in use and readers (`mdb_env_info`, `mdb_env_stat`).
    /// After ``close(replaced:)`` every figure is zero.
    public func info() -> EnvironmentInfo {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        return rawInfo()
    }

    /// ``info()`` for callers that hold the resize lock (or own the environment alone).
    private func rawInfo() -> EnvironmentInfo {
        guard !isClosed.load(ordering: .acquiring) else {
            return EnvironmentInfo(mapSize: 0, lastPage: -1, pageSize: 0, maxReaders: 0, readers: 0, lastTransaction: 0)
        }
        var i = MDB_envinfo()
        mdb_env_info(handle, &i)
        var s = MDB_stat()
        mdb_env_stat(handle, &s)
        return EnvironmentInfo(mapSize: i.me_mapsize, lastPage: Int(i.me_last_pgno), pageSize: Int(s.ms_psize),
                               maxReaders: Int(i.me_maxreaders), readers: Int(i.me_numreaders),
                               lastTransaction: Int(i.me_last_txnid))
    }

    /// Clears reader slots left by dead processes; returns how many were cleared.
    @discardableResult
    public func clearStaleReaders() -> Int {
        var dead: Int32 = 0
        mdb_reader_check(handle, &dead)
        return Int(dead)
    }

    /// Flushes buffers to disk; needed only with ``Durability/none`` or ``Durability/noMetaSync``.
    public func sync(force: Bool = true) throws {
        try check(mdb_env_sync(handle, force ? 1 : 0), "env_sync(\(path))")
    }

    /// Writes a consistent copy of the environment into the existing empty directory `path`
    /// while readers and writers go on (`mdb_env_copy2`); `compact` omits free pages.
    public func copy(to path: String, compact: Bool = true) throws {
        pthread_rwlock_rdlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let rc = mdb_env_copy2(handle, path, compact ? UInt32(MDB_CP_COMPACT) : 0)
        if let full = diskFullError(rc, "env_copy(\(path))", at: path) { throw full }
        try check(rc, "env_copy(\(path))")
        chmod(path + "/data.mdb", 0o600)
    }

    // MARK: Identity and the disk

    /// `true` while the directory at ``path`` is still the one this environment opened (it was
    /// not renamed away, exchanged or deleted since).
    public func isStillAtPath() -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return UInt64(st.st_dev) == identity.device && UInt64(st.st_ino) == identity.inode
    }

    /// Free bytes on the file system holding `path` (for unprivileged users), or nil.
    public static func freeBytes(at path: String) -> Int? {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return nil }
        return Int(fs.f_bavail) &* Int(fs.f_frsize)
    }

    /// Recognises a write that failed because the disk is full. LMDB passes on the `errno` of
    /// the failed write or sync: `ENOSPC`, `EDQUOT` or `EFBIG`, and on some file systems `EIO`
    /// (a failed write-back reported at the sync), taken as disk-full when little space is left.
    func diskFullError(_ code: Int32, _ operation: String, at where_: String? = nil) -> LMDBError? {
        guard code != 0 else { return nil }
        let free = Self.freeBytes(at: where_ ?? path) ?? -1
        switch code {
        case ENOSPC, EDQUOT, EFBIG:
            return .diskFull(path: where_ ?? path, operation: operation, freeBytes: max(free, 0))
        case EIO where free >= 0 && free < 64 << 20:
            return .diskFull(path: where_ ?? path, operation: operation, freeBytes: free)
        default:
            return nil
        }
    }

    static func monotonicNanos() -> UInt64 {
        var t = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &t)
        #else
        clock_gettime(CLOCK_MONOTONIC, &t)
        #endif
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    /// Swaps the directories (or files) at `a` and `b` in one step (`renameat2` with
    /// `RENAME_EXCHANGE` on Linux, `renamex_np` with `RENAME_SWAP` on macOS): there is no moment
    /// at which either path is missing.
    ///
    /// - Throws: ``LMDBError/status(code:operation:)`` with `EINVAL` or `ENOSYS` where the file
    ///   system cannot exchange; callers fall back to two renames with recovery.
    public static func exchange(_ a: String, _ b: String) throws {
        guard hoso_exchange_paths(a, b) == 0 else {
            throw LMDBError.status(code: errno, operation: "exchange(\(a), \(b))")
        }
    }
}

/// What ``Environment/info()`` reports.
public struct EnvironmentInfo: Sendable, Hashable {
    /// Size of the memory map in bytes.
    public var mapSize: Int
    /// Number of the last page in use.
    public var lastPage: Int
    /// Page size in bytes.
    public var pageSize: Int
    /// Reader slots in the lock table, and slots in use.
    public var maxReaders: Int, readers: Int
    /// Id of the last committed transaction.
    public var lastTransaction: Int
    /// Bytes of the map in use.
    public var usedBytes: Int { (lastPage + 1) * pageSize }
}

extension LMDBError {
    /// `mdb_txn_commit` frees the transaction even when it fails: it must not be aborted then.
    var isCommitFailure: Bool {
        switch self {
        case .status(_, let op), .diskFull(_, let op, _): return op.hasPrefix("txn_commit")
        default: return false
        }
    }
}

struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
}

final class WeakEnvironment: @unchecked Sendable {
    weak var environment: Environment?
    init(_ environment: Environment) { self.environment = environment }
}

private let registry = Mutex<[FileIdentity: WeakEnvironment]>([:])
