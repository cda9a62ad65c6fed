import LMDB

/// An index that maps keys to record ids (value, unique and transition indexes): what
/// ``TenantReader/ids(in:_:after:limit:_:)``, ``TenantReader/records(_:in:_:after:limit:_:)``,
/// ``TenantReader/entryCount(in:_:)`` and ``TenantReader/lookup(_:_:)`` read.
protocol KeyedIndex: IndexMaintainer {
    /// Visits the ids held for keys in `range`, in key then id order, after `continuation`, at
    /// most `limit`; returns a continuation when entries remain.
    func ids(_ range: KeyRange, after continuation: Continuation?, limit: Int?, _ read: IndexRead,
             _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation?
    /// The id `key` maps to (the smallest, for a value index), or nil.
    func lookup(_ key: [UInt8], _ read: IndexRead) throws -> RecordID?
}

/// The walk of a key → id database in key then id order, with continuations bound to the
/// query, shared by the keyed kinds. Ids are 8-byte big-endian values: sorted duplicates of a
/// key in a value index, the single value of a key in a unique index.
enum KeyedIDs {
    static func run(_ db: Database, oneIDPerKey: Bool, scope: String, range: KeyRange, after continuation: Continuation?,
                    limit: Int?, _ read: IndexRead, _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation? {
        try continuation?.check(Continuation.Query(scope: scope, range: range))
        let (lower, upper) = range.bounds
        let cursor = try read.txn.cursor(db)
        var entry: Cursor.Entry?
        if let continuation {
            let key = continuation.key
            if !oneIDPerKey, continuation.id < .max {
                entry = try cursor.seek(key: key, valueAtLeast: FixedWidth.bytes(continuation.id + 1))
            }
            if entry == nil { entry = try cursor.seek(atLeast: key + [0]) }
        } else {
            entry = try cursor.seek(atLeast: lower)
        }
        var seen = 0
        var lastKey: [UInt8] = []
        var lastID: RecordID = 0
        while let e = entry {
            if let upper, e.key.compare(upper) >= 0 { return nil }
            if let limit, seen >= limit { return Continuation(Continuation.Query(scope: scope, range: range), key: lastKey, id: lastID) }
            let id = FixedWidth.uint64(e.value)
            seen += 1
            if try !body(e.key, id) { return Continuation(Continuation.Query(scope: scope, range: range), key: Array(e.key), id: id) }
            if limit != nil { lastKey = Array(e.key); lastID = id }
            entry = try cursor.next()
        }
        return nil
    }

    /// The first id stored under exactly `key`.
    static func lookup(_ db: Database, _ key: [UInt8], _ read: IndexRead) throws -> RecordID? {
        try read.txn.get(db, key: key).map { FixedWidth.uint64($0) }
    }

    /// An id value, for verify reports.
    static func describeID(_ value: UnsafeRawBufferPointer) -> String {
        value.count == 8 ? "id \(FixedWidth.uint64(value))" : KeyBytes(bytes: value).description
    }
}

extension KeyedIDs {
    /// The entries of index `index` in a bulk batch, as one run of key → id in key then id order.
    static func loadRun(index: ObjectIdentifier, _ batch: LoadBatch) -> SortedRun {
        var run = batch.valueRun(of: index)
        run.sort()
        return run
    }

    /// Writes a batch's run (``loadRun(index:_:)``) through one cursor; a unique index refuses a key
    /// stored already under another id (the batch then fails whole).
    static func write(_ run: SortedRun, to db: Database, oneIDPerKey: Bool, scope: String, in session: WriteSession) throws {
        guard run.count > 0 else { return }
        let cursor = try session.write.cursor(db)
        let flags: PutFlags = oneIDPerKey ? .noOverwrite : .noDupData
        try run.forEach { k, v in
            let stored = try cursor.put(key: k, value: v, flags: flags)
            if !stored && oneIDPerKey {
                // A record may carry one key twice; another record holding it is a violation.
                let id = FixedWidth.uint64(v)
                let existing = try session.write.get(db, key: k).map { FixedWidth.uint64($0) } ?? 0
                if existing != id { throw HosoError.uniqueViolation(index: scope, key: KeyBytes(bytes: k).tuple, existing: existing, new: id) }
            }
        }
    }
}
