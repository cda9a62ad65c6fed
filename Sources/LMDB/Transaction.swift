import CLMDB

/// What every transaction can do: read values and open cursors.
///
/// Values returned by a transaction point into the memory map and are valid only until the
/// transaction ends; copy them out (`Array(buffer)`) to keep them. ``ReadTransaction`` and
/// ``WriteTransaction`` are non-copyable and lent to the closure of ``Environment/read(_:)`` or
/// ``Environment/write(_:)``, so they cannot outlive it.
///
/// ```swift
/// func entries(_ txn: borrowing some TransactionProtocol & ~Copyable, _ db: Database) throws -> Int {
///     try txn.statistics(db).entries
/// }
/// let before = try env.read { txn in try entries(txn, db) }
/// let during = try env.write { txn in
///     try txn.put(db, key: key, value: value)
///     return try entries(txn, db)
/// }
/// print(before, during)   // 3 4
/// ```
public protocol TransactionProtocol: ~Copyable {
    /// The underlying `MDB_txn` pointer, for calls this layer does not wrap.
    var rawHandle: OpaquePointer { get }
    /// The environment the transaction belongs to.
    var environment: Environment { get }
    /// The environment, not retained: valid while the transaction's closure runs (which
    /// the environment outlives). Cursors keep this form, so opening one costs no reference
    /// count; the default takes it from ``environment``.
    var unretainedEnvironment: Unmanaged<Environment> { get }
}

extension TransactionProtocol where Self: ~Copyable {
    /// ``environment`` unretained.
    public var unretainedEnvironment: Unmanaged<Environment> { .passUnretained(environment) }
}

extension TransactionProtocol where Self: ~Copyable {
    /// The value stored under `key`, or `nil`. The buffer lives as long as the transaction.
    ///
    /// ```swift
    /// let value = try txn.get(db, key: Array("apple".utf8)).map { String(decoding: $0, as: UTF8.self) }
    /// print(value ?? "none")   // 1
    /// ```
    @inlinable
    public func get(_ db: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(rawHandle, db.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        if rc != 0 { throw LMDBError.status(code: rc, operation: "get") }
        return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
    }

    /// The value stored under `key`, or `nil` (array convenience).
    public func get(_ db: Database, key: [UInt8]) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var result: Result<UnsafeRawBufferPointer?, LMDBError> = .success(nil)
        key.withUnsafeBytes { k in
            do throws(LMDBError) { result = .success(try get(db, key: k)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Opens a cursor over `db`; it is closed when it goes out of scope.
    ///
    /// ```swift
    /// let cursor = try txn.cursor(db)
    /// var keys: [String] = []
    /// var entry = try cursor.first()
    /// while let e = entry {
    ///     keys.append(String(decoding: e.key, as: UTF8.self))
    ///     entry = try cursor.next()
    /// }
    /// print(keys)   // ["apple", "apricot", "banana"]
    /// ```
    public func cursor(_ db: Database) throws(LMDBError) -> Cursor {
        var c: OpaquePointer?
        try check(mdb_cursor_open(rawHandle, db.dbi, &c), "cursor_open(\(db.name ?? "main"))")
        return Cursor(handle: c!, database: db, environment: unretainedEnvironment)
    }

    /// The id of the snapshot the transaction reads (`mdb_txn_id`): the last committed write
    /// it sees. Two read transactions with the same id see the same data.
    ///
    /// ```swift
    /// let a = try env.read { $0.snapshotID }
    /// let b = try env.read { $0.snapshotID }
    /// print(a == b)   // true
    /// ```
    public var snapshotID: Int { Int(mdb_txn_id(rawHandle)) }

    /// Statistics of `db` as seen by this transaction.
    public func statistics(_ db: Database) throws(LMDBError) -> DatabaseStatistics {
        var s = MDB_stat()
        try check(mdb_stat(rawHandle, db.dbi, &s), "stat(\(db.name ?? "main"))")
        return DatabaseStatistics(s)
    }
}

/// A read-only snapshot of an ``Environment``. Obtain one with ``Environment/read(_:)``.
///
/// The transaction ends when the closure returns: do not keep it (or buffers read through it)
/// beyond the closure.
///
/// Read transactions are opened with `MDB_NOTLS`, so they may be used from any thread while
/// the closure runs; they see the data as of their start and never block writers. The value
/// is non-copyable and only borrowed by the closure: keeping it is a compile-time error.
///
/// ```swift
/// let n = try env.read { txn in try txn.statistics(db).entries }
/// print(n)   // 3
/// ```
public struct ReadTransaction: TransactionProtocol, ~Copyable {
    public let rawHandle: OpaquePointer
    /// The environment, not retained.
    public let unretainedEnvironment: Unmanaged<Environment>
    /// The environment (not retained by the transaction: it is lent to a closure of the
    /// environment, which outlives it).
    public var environment: Environment { unretainedEnvironment.takeUnretainedValue() }
    init(handle: OpaquePointer, environment: Environment) {
        self.rawHandle = handle; self.unretainedEnvironment = .passUnretained(environment)
    }
}

/// A write transaction: one per environment at a time, bound to the thread that began it.
/// Obtain one with ``Environment/write(_:)``; it commits when the closure returns and aborts
/// when it throws. The value is non-copyable and only borrowed by the closure, so it cannot be
/// kept beyond it.
///
/// ```swift
/// try env.write { txn in try txn.put(db, key: key, value: value) }
/// ```
public struct WriteTransaction: TransactionProtocol, ~Copyable {
    public let rawHandle: OpaquePointer
    /// The environment, not retained.
    public let unretainedEnvironment: Unmanaged<Environment>
    /// The environment (not retained by the transaction: it is lent to a closure of the
    /// environment, which outlives it).
    public var environment: Environment { unretainedEnvironment.takeUnretainedValue() }

    /// A second view of an open write transaction, for engines built on this package that keep
    /// it in their own state for the duration of the closure (never longer).
    package init(handle: OpaquePointer, environment: Environment) {
        self.rawHandle = handle; self.unretainedEnvironment = .passUnretained(environment)
    }

    @usableFromInline
    func note(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
        if rc == 0 { return }
        if rc == MDB_MAP_FULL { unretainedEnvironment.takeUnretainedValue().noteMapFull() }
        throw LMDBError.status(code: rc, operation: operation())
    }

    /// Stores `value` under `key`. Returns `false` (and changes nothing) when a flag such as
    /// ``PutFlags/noOverwrite`` or ``PutFlags/noDupData`` refused the write.
    ///
    /// ```swift
    /// try txn.put(db, key: key, value: value)
    /// let stored = try txn.put(db, key: Array("apple".utf8), value: value, flags: .noOverwrite)
    /// print(stored)   // false
    /// ```
    @discardableResult @inlinable
    public func put(_ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: PutFlags = []) throws(LMDBError) -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        let rc = mdb_put(rawHandle, db.dbi, &k, &v, flags.rawValue)
        if rc == MDB_KEYEXIST && !flags.isDisjoint(with: [.noOverwrite, .noDupData]) { return false }
        try note(rc, "put(\(db.name ?? "main"))")
        return true
    }

    /// Array convenience for ``put(_:key:value:flags:)-(_,UnsafeRawBufferPointer,_,_)``.
    @discardableResult
    public func put(_ db: Database, key: [UInt8], value: [UInt8], flags: PutFlags = []) throws(LMDBError) -> Bool {
        var result: Result<Bool, LMDBError> = .success(false)
        key.withUnsafeBytes { k in value.withUnsafeBytes { v in
            do throws(LMDBError) { result = .success(try put(db, key: k, value: v, flags: flags)) } catch { result = .failure(error) }
        } }
        return try result.get()
    }

    /// Reserves `size` bytes under `key` and lets `fill` write them in place (`MDB_RESERVE`),
    /// saving a copy for large values. Not for dupsort databases.
    public func putReserved(_ db: Database, key: UnsafeRawBufferPointer, size: Int, flags: PutFlags = [],
                            fill: (UnsafeMutableRawBufferPointer) -> Void) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: size, mv_data: nil)
        try note(mdb_put(rawHandle, db.dbi, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)), "put(\(db.name ?? "main"))")
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: size))
    }

    /// Deletes `key` (all its values in a dupsort database, or only `value` when given).
    /// Returns `false` when there was nothing to delete.
    @discardableResult
    public func delete(_ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc: Int32
        if let value {
            var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
            rc = mdb_del(rawHandle, db.dbi, &k, &v)
        } else {
            rc = mdb_del(rawHandle, db.dbi, &k, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try note(rc, "del(\(db.name ?? "main"))")
        return true
    }

    /// Array convenience for ``delete(_:key:value:)-(_,UnsafeRawBufferPointer,_)``.
    @discardableResult
    public func delete(_ db: Database, key: [UInt8], value: [UInt8]? = nil) throws(LMDBError) -> Bool {
        var result: Result<Bool, LMDBError> = .success(false)
        key.withUnsafeBytes { k in
            if let value {
                value.withUnsafeBytes { v in
                    do throws(LMDBError) { result = .success(try delete(db, key: k, value: v)) } catch { result = .failure(error) }
                }
            } else {
                do throws(LMDBError) { result = .success(try delete(db, key: k)) } catch { result = .failure(error) }
            }
        }
        return try result.get()
    }

    /// Runs `body` in a child transaction: its writes join this transaction when `body`
    /// returns and are undone alone when it throws (LMDB nested transactions).
    ///
    /// ```swift
    /// struct Cancelled: Error {}
    /// try env.write { txn in
    ///     try txn.put(db, key: key, value: value)
    ///     _ = try? txn.nested { child in
    ///         try child.put(db, key: Array("damson".utf8), value: value)
    ///         throw Cancelled()   // undoes the nested put only
    ///     }
    /// }
    /// let n = try env.read { txn in try txn.statistics(db).entries }
    /// print(n)   // 4
    /// ```
    public func nested<T>(_ body: (borrowing WriteTransaction) throws -> T) throws -> T {
        var child: OpaquePointer?
        try note(mdb_txn_begin(environment.handle, rawHandle, 0, &child), "txn_begin(nested)")
        do {
            // A named value, not a temporary argument: the optimizer's generic specializer of
            // Swift 6.3.1 crashes on a non-copyable temporary passed to a generic closure.
            let transaction = WriteTransaction(handle: child!, environment: environment)
            let value = try body(transaction)
            try note(mdb_txn_commit(child), "txn_commit(nested)")
            return value
        } catch let error as LMDBError where error.isCommitFailure {
            throw error
        } catch {
            mdb_txn_abort(child)
            throw error
        }
    }

    /// Removes every entry of `db`, keeping the database.
    public func clear(_ db: Database) throws(LMDBError) {
        try note(mdb_drop(rawHandle, db.dbi, 0), "drop(\(db.name ?? "main"), empty)")
    }
}

