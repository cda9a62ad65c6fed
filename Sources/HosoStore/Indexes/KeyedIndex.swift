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
    /// Writes the entries of index `index` of a bulk batch through one cursor in key then id
    /// order; a unique index refuses a key stored already (the batch then fails whole).
    static func load(_ db: Database, index: ObjectIdentifier, oneIDPerKey: Bool, scope: String,
                     _ batch: LoadBatch, in session: WriteSession) throws {
        let refs = batch.valueRefs(of: index)
        guard !refs.isEmpty else { return }
        @inline(__always) func key(_ n: Int) -> KeyBytes { batch.key(refs[n]) }
        let order = KeyOrder.sorted(refs.count, db: { _ in 0 }, key: key, id: { batch.ids[Int(refs[$0].record)] })
        let cursor = try session.write.cursor(db)
        let flags: PutFlags = oneIDPerKey ? .noOverwrite : .noDupData
        for n in order {
            let (record, value) = refs[n]
            let id = batch.ids[Int(record)]
            let stored = try batch.entries[Int(record)].values[Int(value)].bytes.withBytes { k in
                try withUnsafeBytes(of: id.bigEndian) { v in try cursor.put(key: k, value: v, flags: flags) }
            }
            if !stored && oneIDPerKey {
                // A record may carry one key twice; another record holding it is a violation.
                let k = key(n)
                let existing = try session.write.get(db, key: k).map { FixedWidth.uint64($0) } ?? 0
                if existing != id { throw HosoError.uniqueViolation(index: scope, key: k.tuple, existing: existing, new: id) }
            }
        }
    }
}
