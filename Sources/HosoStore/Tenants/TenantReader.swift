import LMDB

/// Reads a tenant inside ``Tenant/read(_:)``, or as the ``TenantWriter/reader`` of a write,
/// where it sees the transaction's own writes: every count and dated-count read inside a write
/// first writes the counts still pending, whatever the method. Every call is checked by the
/// handle's ``AccessPolicy``.
///
/// A reader is non-copyable and only lent to the closure: it cannot be kept past it.
///
/// ```swift
/// let (welcome, anas) = try tenant.read { txn in
///     (try txn.get(Note.self, id: 1), try txn.countSum(Note.perAuthorTag, .prefix(["ana"])))
/// }
/// print(welcome?.slug ?? "none", anas)   // welcome 2
/// ```
public struct TenantReader: ~Copyable {
    let core: TenantCore
    let scope: ReadScope
    /// Who is reading.
    public let principal: Principal
    let policy: any AccessPolicy

    init(core: TenantCore, scope: ReadScope, principal: Principal, policy: any AccessPolicy) {
        self.core = core; self.scope = scope; self.principal = principal; self.policy = policy
    }

    /// The transaction read through.
    var txn: RawTransaction { scope.txn }

    func authorize(_ operation: AccessOperation) throws(HosoError) {
        try policy.authorize(operation, by: principal)
    }

    /// The maintainer of `index`, which must be a `M`, and a read of its databases: the access
    /// policy is asked, and inside a write the pending counts are flushed first if the index
    /// keeps counts (``ReadScope/open(_:)``). Every index read method starts here.
    @inline(__always)
    func open<M>(_ index: IndexDefinition, as kind: M.Type, _ expected: @autoclosure () -> String) throws -> (M, IndexRead) {
        let m = try core.maintainer(index)
        try authorize(.read(recordType: m.recordType))
        guard let typed = m as? M else { throw HosoError.unknownSchemaElement("\(index) is not \(expected())") }
        return (typed, try scope.open(m))
    }

    // MARK: Tenant state

    /// The tenant's metadata.
    public func info() throws -> TenantInfo {
        guard let bytes = try txn.get(core.meta, key: MetaKeys.info) else {
            throw HosoError.corruptRecord(type: "tenant info", id: nil, reason: "missing")
        }
        return try TenantInfo.decode(bytes)
    }

    /// The day as of which the tenant's "current" indexes are kept: the last day a write saw.
    public func today() throws -> Day {
        guard let bytes = try txn.get(core.meta, key: MetaKeys.today) else { return core.today }
        return Day(rawValue: Int32(FixedWidth.counter(bytes)))
    }

    /// A named setting blob.
    public func setting(_ name: String) throws -> [UInt8]? {
        try txn.get(core.meta, key: MetaKeys.setting(name)).map(Array.init)
    }

    /// The sequence number of the newest change-log fact.
    public func lastChangeSequence() throws -> UInt64 {
        let cursor = try txn.cursor(core.changeLog)
        guard let last = try cursor.last() else { return 0 }
        return FixedWidth.uint64(last.key)
    }

    /// Change-log facts after `sequence`, oldest first.
    public func changes(after sequence: UInt64, limit: Int = 1000) throws -> [ChangeRecord] {
        try authorize(.administer("read the change log"))
        let cursor = try txn.cursor(core.changeLog)
        var out: [ChangeRecord] = []
        let start = FixedWidth.bytes(sequence &+ 1)
        var entry = try cursor.seek(atLeast: start)
        while let e = entry, out.count < limit {
            out.append(try ChangeRecord.decode(sequence: FixedWidth.uint64(e.key), e.value))
            entry = try cursor.next()
        }
        return out
    }

    // MARK: Records

    /// The record with `id`, or `nil`.
    ///
    /// ```swift
    /// if let welcome = try txn.get(Note.self, id: 1) {
    ///     print(welcome.text)   // Welcome aboard
    /// }
    /// ```
    public func get<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> R? {
        try withBytes(of: type, id: id) { bytes throws(HosoError) in try R.decode(id: id, bytes) }
    }

    /// Calls `body` with the stored bytes of a record, without copying; `nil` when absent.
    public func withBytes<R: StoredRecord, T>(of type: R.Type, id: RecordID, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try authorize(.read(recordType: R.schema.name))
        let t = try core.type(R.schema.name)
        let key = FixedWidth.bytes(id)
        guard let bytes = try txn.get(t.records, key: key) else { return nil }
        return try body(bytes)
    }

    /// Whether a record with `id` exists.
    public func contains<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> Bool {
        try withBytes(of: type, id: id) { _ in true } ?? false
    }

    /// How many records of `type` the tenant holds.
    public func recordCount<R: StoredRecord>(_ type: R.Type) throws -> Int {
        try authorize(.read(recordType: R.schema.name))
        return try txn.statistics(try core.type(R.schema.name).records).entries
    }

    /// The largest id in use for `type` (0 when empty): a bulk load can append after it.
    public func lastID<R: StoredRecord>(_ type: R.Type) throws -> RecordID {
        try authorize(.read(recordType: R.schema.name))
        let cursor = try txn.cursor(try core.type(R.schema.name).records)
        return try cursor.last().map { FixedWidth.uint64($0.key) } ?? 0
    }

    /// Visits records of `type` in id order, after `continuation`, at most `limit` of them;
    /// `body` returns `false` to stop. Returns a continuation when records remain.
    ///
    /// ```swift
    /// var slugs: [String] = []
    /// let token = try txn.scan(Note.self, limit: 2) { note in slugs.append(note.slug); return true }
    /// print(slugs, token != nil)   // ["welcome", "agenda"] true
    /// ```
    @discardableResult
    public func scan<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                      _ body: (R) throws -> Bool) throws -> Continuation? {
        try scanBytes(type, after: continuation, limit: limit) { id, bytes in try body(try R.decode(id: id, bytes)) }
    }

    /// Like ``scan(_:after:limit:_:)`` but hands out the stored bytes without decoding or
    /// copying (zero-copy filters).
    @discardableResult
    public func scanBytes<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                           _ body: (RecordID, UnsafeRawBufferPointer) throws -> Bool) throws -> Continuation? {
        try authorize(.read(recordType: R.schema.name))
        let t = try core.type(R.schema.name)
        let query = Continuation.Query(scope: "\(t.schema.name).records", range: .all)
        try continuation?.check(query)
        let cursor = try txn.cursor(t.records)
        var entry: Cursor.Entry?
        if let continuation {
            let from = FixedWidth.bytes(continuation.id &+ 1)
            entry = continuation.id == .max ? nil : try cursor.seek(atLeast: from)
        } else {
            entry = try cursor.first()
        }
        var seen = 0
        var lastID: RecordID = 0
        while let e = entry {
            if let limit, seen >= limit { return Continuation(query, key: [], id: lastID) }
            lastID = FixedWidth.uint64(e.key)
            seen += 1
            if try !body(lastID, e.value) { return Continuation(query, key: [], id: lastID) }
            entry = try cursor.next()
        }
        return nil
    }
}
