import CLMDB

/// A position in a ``Database`` within one transaction. Closed automatically when it goes
/// out of scope, which is always inside the transaction's closure.
///
/// Every move returns the entry it lands on, or `nil` past either end. Buffers point into the
/// map and live as long as the transaction.
///
/// ```swift
/// let prefix = Array("ap".utf8)
/// let cursor = try txn.cursor(db)
/// var found: [String] = []
/// var entry = try cursor.seek(atLeast: prefix)
/// while let e = entry, e.key.starts(with: prefix) {
///     found.append(String(decoding: e.key, as: UTF8.self))
///     entry = try cursor.next()
/// }
/// print(found)   // ["apple", "apricot"]
/// ```
public struct Cursor: ~Copyable {
    /// A key and its value, both pointing into the map.
    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    let handle: OpaquePointer
    /// Not retained: a cursor lives inside its transaction's closure, which the environment
    /// outlives (a strong reference here costs a slow atomic per cursor, because the
    /// process-wide registry's weak reference gives the environment a side table).
    let environment: Unmanaged<Environment>
    /// The database the cursor walks.
    public let database: Database

    init(handle: OpaquePointer, database: Database, environment: Unmanaged<Environment>) {
        self.handle = handle; self.database = database; self.environment = environment
    }

    deinit { mdb_cursor_close(handle) }

    @inline(__always)
    func move(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil, value: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Entry? {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val(mv_size: value?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: value?.baseAddress))
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        if rc != 0 { throw LMDBError.status(code: rc, operation: "cursor_get(\(database.name ?? "main"))") }
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// The first entry.
    public func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    /// The last entry.
    public func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    /// The next entry (the next duplicate first, in a dupsort database).
    public func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    /// The previous entry.
    public func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }
    /// The entry under the cursor.
    public func current() throws(LMDBError) -> Entry? { try move(MDB_GET_CURRENT) }
    /// The first entry whose key is ≥ `key` (the first entry for an empty key).
    public func seek(atLeast key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        key.isEmpty ? try move(MDB_FIRST) : try move(MDB_SET_RANGE, key: key)
    }
    /// The entry whose key is exactly `key` (its first duplicate).
    public func seek(exactly key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? { try move(MDB_SET_KEY, key: key) }
    /// Dupsort: the first value ≥ `value` under exactly `key`.
    public func seek(key: UnsafeRawBufferPointer, valueAtLeast value: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_GET_BOTH_RANGE, key: key, value: value)
    }
    /// Dupsort: the exact key/value pair.
    public func seek(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_GET_BOTH, key: key, value: value)
    }
    /// Dupsort: the next value of the current key, `nil` after its last.
    public func nextDuplicate() throws(LMDBError) -> Entry? { try move(MDB_NEXT_DUP) }
    /// Dupsort: the first value of the next key.
    public func nextKey() throws(LMDBError) -> Entry? { try move(MDB_NEXT_NODUP) }
    /// Dupsort: the last value of the previous key.
    public func previousKey() throws(LMDBError) -> Entry? { try move(MDB_PREV_NODUP) }
    /// Dupsort: the last value of the current key.
    public func lastDuplicate() throws(LMDBError) -> Entry? { try move(MDB_LAST_DUP) }
    /// Dupfixed: a page of packed values of the current key, starting at the cursor (`MDB_GET_MULTIPLE`).
    public func duplicatesPage() throws(LMDBError) -> Entry? { try move(MDB_GET_MULTIPLE) }
    /// Dupfixed: the next page of packed values of the current key (`MDB_NEXT_MULTIPLE`).
    public func nextDuplicatesPage() throws(LMDBError) -> Entry? { try move(MDB_NEXT_MULTIPLE) }

    /// Dupsort: how many values the current key has.
    public func duplicateCount() throws(LMDBError) -> Int {
        var n: Int = 0
        try check(mdb_cursor_count(handle, &n), "cursor_count")
        return n
    }

    /// Writes through the cursor (only in a write transaction); `false` when a flag refused it.
    @discardableResult
    public func put(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: PutFlags = []) throws(LMDBError) -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        let rc = mdb_cursor_put(handle, &k, &v, flags.rawValue)
        if rc == MDB_KEYEXIST && !flags.isDisjoint(with: [.noOverwrite, .noDupData]) { return false }
        if rc == MDB_MAP_FULL { environment.takeUnretainedValue().noteMapFull() }
        try check(rc, "cursor_put(\(database.name ?? "main"))")
        return true
    }

    /// Deletes the entry under the cursor (all duplicates of its key when `allDuplicates`).
    public func deleteCurrent(allDuplicates: Bool = false) throws(LMDBError) {
        let rc = mdb_cursor_del(handle, allDuplicates ? UInt32(MDB_NODUPDATA) : 0)
        if rc == MDB_MAP_FULL { environment.takeUnretainedValue().noteMapFull() }
        try check(rc, "cursor_del(\(database.name ?? "main"))")
    }
}

extension Cursor {
    /// The first entry whose key is ≥ `key` (array convenience).
    public func seek(atLeast key: [UInt8]) throws(LMDBError) -> Entry? {
        var result: Result<Entry?, LMDBError> = .success(nil)
        key.withUnsafeBytes { k in
            do throws(LMDBError) { result = .success(try seek(atLeast: k)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// The first duplicate of exactly `key` (array convenience).
    public func seek(exactly key: [UInt8]) throws(LMDBError) -> Entry? {
        var result: Result<Entry?, LMDBError> = .success(nil)
        key.withUnsafeBytes { k in
            do throws(LMDBError) { result = .success(try seek(exactly: k)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Dupsort: the first value ≥ `value` under exactly `key` (array convenience).
    public func seek(key: [UInt8], valueAtLeast value: [UInt8]) throws(LMDBError) -> Entry? {
        var result: Result<Entry?, LMDBError> = .success(nil)
        key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                do throws(LMDBError) { result = .success(try seek(key: k, valueAtLeast: v)) } catch { result = .failure(error) }
            }
        }
        return try result.get()
    }
}
