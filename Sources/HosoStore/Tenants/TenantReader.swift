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
    /// The records handed out, noted for the handle's ``ReadLogging`` (nil: not logged; always
    /// nil for a writer's reader).
    let notes: ReadNotes?
    /// The sealing keys of the handle (`nil`: sealed fields stay sealed).
    let keys: Keyring?

    init(core: TenantCore, scope: ReadScope, principal: Principal, policy: any AccessPolicy, notes: ReadNotes? = nil, keys: Keyring? = nil) {
        self.core = core; self.scope = scope; self.principal = principal; self.policy = policy; self.notes = notes; self.keys = keys
    }

    /// Hands `body` the record stored as `bytes` with its sealed fields opened when the handle
    /// holds their key; else as stored (its readers skip the envelope and see the clear part).
    /// A record opened lately is handed out again as it was opened; `keep` (point reads) adds
    /// the record opened to those kept, scans do not (they would push out what gets reuse).
    @inline(__always)
    func opened<T>(_ type: String, id: RecordID, _ bytes: UnsafeRawBufferPointer, keep: Bool = false,
                   _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        guard let keys, SealedRecord.isSealed(bytes) else { return try body(bytes) }
        if let kept = keys.openedRecords.opened(type, id: id, stored: bytes) { return try kept.withUnsafeBytes { try body($0) } }
        let e = try SealedRecord.envelope(bytes, type: type)
        guard let key = try keys.key(e.keyID, in: txn, meta: core.meta) else { return try body(bytes) }
        let opened = try SealedRecord.open(bytes, type: type, id: id, key: key, envelope: e)
        if keep { keys.openedRecords.keep(type, id: id, stored: bytes, opened: opened) }
        return try opened.withUnsafeBytes { try body($0) }
    }

    /// Notes the record handed out as `bytes` for the read log.
    @inline(__always)
    func note<R: StoredRecord>(_ type: R.Type, id: RecordID, _ bytes: UnsafeRawBufferPointer) throws {
        if let notes { notes.note(try R.decode(id: id, bytes)) }
    }

    /// The transaction read through.
    var txn: RawTransaction { scope.txn }

    func authorize(_ operation: AccessOperation) throws(HosoError) {
        try policy.authorize(operation, by: principal)
    }

    /// Authorizes reading records of `recordType` and returns the policy's record gate for it
    /// (`nil`: every record visible whole).
    @inline(__always)
    func readGate(_ recordType: String) throws(HosoError) -> (any RecordGate)? {
        try authorize(.read(recordType: recordType))
        return try policy.gate(for: recordType, by: principal)
    }

    /// Whether the record stored as `bytes` passes `gate`.
    func admits(_ gate: any RecordGate, _ type: ResolvedType, id: RecordID, _ bytes: UnsafeRawBufferPointer) throws -> Bool {
        gate.admits(try type.schema.decodedOf(id, bytes))
    }

    /// Whether the index entry of `id` under `key` passes `gate`: by its key, or by its record.
    func admits(_ gate: any RecordGate, _ index: IndexDefinition, recordType: String, key: UnsafeRawBufferPointer, id: RecordID) throws -> Bool {
        switch gate.access(to: index, key: try Tuple.decode(key)) {
        case .visible: return true
        case .hidden: return false
        case .byRecord:
            let t = try core.type(recordType)
            guard let bytes = try txn.get(t.records, key: FixedWidth.bytes(id)) else { return false }
            return try admits(gate, t, id: id, bytes)
        }
    }

    /// Refuses a count under `key` of `index` unless `gate` shows the key.
    func checkCount(_ gate: (any RecordGate)?, _ index: IndexDefinition, key: Tuple) throws(HosoError) {
        guard let gate else { return }
        switch gate.access(to: index, key: key) {
        case .visible: return
        case .hidden:
            throw .accessDenied(principal: principal.name, operation: "read the counts of \(index.name) under \(key)",
                                reason: "they count records the \(principal.role) role may not read; ask within what it may read")
        case .byRecord:
            throw .accessDenied(principal: principal.name, operation: "read the counts of \(index.name)",
                                reason: "they mix records the \(principal.role) role may read with others; ask through an index that is divided by what it may read, or count the records")
        }
    }

    /// The maintainer of `index`, which must be a `M`, and a read of its databases: the access
    /// policy is asked, and inside a write the pending counts are flushed first if the index
    /// keeps counts (``ReadScope/open(_:)``). Every index read method starts here.
    @inline(__always)
    func open<M>(_ index: IndexDefinition, as kind: M.Type, _ expected: @autoclosure () -> String) throws -> (M, IndexRead, (any RecordGate)?) {
        let m = try core.maintainer(index)
        let gate = try readGate(m.recordType)
        guard let typed = m as? M else { throw HosoError.unknownSchemaElement("\(index) is not \(expected())") }
        return (typed, try scope.open(m), gate)
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

    /// The change log's logged reads (``ChangeRecord/Operation/read``) after `sequence`, oldest
    /// first, at most `limit`: the processing log, which an auditor reads without the records
    /// the log's other facts carry (``AccessOperation/readProcessingLog``).
    ///
    /// ```swift
    /// try tenant.write { try $0.logRead(of: Note.self, ids: [1, 2], what: "notes of ana") }
    /// let reads = try tenant.read { try $0.readFacts(after: 0) }
    /// print(reads.last?.detail ?? "", reads.last?.recordIDs ?? [])   // notes of ana [1, 2]
    /// ```
    public func readFacts(after sequence: UInt64, limit: Int = 1000) throws -> [ChangeRecord] {
        try authorize(.readProcessingLog)
        let cursor = try txn.cursor(core.changeLog)
        var out: [ChangeRecord] = []
        var entry = try cursor.seek(atLeast: FixedWidth.bytes(sequence &+ 1))
        while let e = entry, out.count < limit {
            if try ChangeRecord.isRead(e.value) { out.append(try ChangeRecord.decode(sequence: FixedWidth.uint64(e.key), e.value)) }
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
        guard notes != nil else { return try gatedBytes(of: type, id: id, body) }
        return try gatedBytes(of: type, id: id) { bytes in
            try note(R.self, id: id, bytes)
            return try body(bytes)
        }
    }

    /// ``withBytes(of:id:_:)`` without noting the read (existence checks).
    func gatedBytes<R: StoredRecord, T>(of type: R.Type, id: RecordID, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        let gate = try readGate(R.schema.name)
        let t = try core.type(R.schema.name)
        let key = FixedWidth.bytes(id)
        guard let stored = try txn.get(t.records, key: key) else { return nil }
        return try opened(t.schema.name, id: id, stored, keep: true) { bytes in
            guard let gate else { return try body(bytes) }
            return try Self.through(gate, R.self, id: id, bytes, body)
        }
    }

    /// Hands `body` the bytes of the record stored as `bytes` as `gate` lets it be seen: `nil`
    /// when hidden, the view's encoding when the gate withholds fields.
    static func through<R: StoredRecord, T>(_ gate: any RecordGate, _ type: R.Type, id: RecordID, _ bytes: UnsafeRawBufferPointer,
                                            _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        let record = try R.decode(id: id, bytes)
        guard gate.admits(record) else { return nil }
        guard gate.withholdsFields else { return try body(bytes) }
        return try gate.view(record).encoded().withUnsafeBytes { try body($0) }
    }

    /// Whether a record with `id` exists.
    public func contains<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> Bool {
        try gatedBytes(of: type, id: id) { _ in true } ?? false
    }

    /// How many records of `type` the tenant holds.
    /// Under a ``RecordGate`` it counts the records the gate admits (a scan).
    public func recordCount<R: StoredRecord>(_ type: R.Type) throws -> Int {
        guard try readGate(R.schema.name) != nil else { return try txn.statistics(try core.type(R.schema.name).records).entries }
        var n = 0
        _ = try gatedScan(type, after: nil, limit: nil) { _, _ in n += 1; return true }
        return n
    }

    /// How many records of `type` are stored, from page statistics (no scan), whatever a
    /// ``RecordGate`` would show: a planner's estimate of a scan's size, not an answer to give.
    ///
    /// ```swift
    /// print(try txn.storedRecordCount(Note.self) >= (try txn.recordCount(Note.self)))   // true
    /// ```
    public func storedRecordCount<R: StoredRecord>(_ type: R.Type) throws -> Int {
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
    /// A whole scan (no continuation, no limit) of many records in a read-only snapshot, by a
    /// handle that does not log its reads, decodes on every core, about a thousand records per
    /// core at a time, and hands them out here in id order, as one core would.
    ///
    /// ```swift
    /// var slugs: [String] = []
    /// let token = try txn.scan(Note.self, limit: 2) { note in slugs.append(note.slug); return true }
    /// print(slugs, token != nil)   // ["welcome", "agenda"] true
    /// ```
    @discardableResult
    public func scan<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                      _ body: (R) throws -> Bool) throws -> Continuation? {
        if continuation == nil, limit == nil, let (parts, records) = try parallelScanParts(R.self) {
            return try parallelScan(R.self, nil, parts: parts, records: records, rejected: nil, body)
        }
        return try scanBytes(type, after: continuation, limit: limit) { id, bytes in try body(try R.decode(id: id, bytes)) }
    }

    /// Like ``scan(_:after:limit:_:)`` but hands out the stored bytes without decoding or
    /// copying (zero-copy filters). Under a ``RecordGate`` the records it hides are skipped
    /// (they count towards `limit`: a page may hold fewer) and a view's bytes are encoded.
    @discardableResult
    public func scanBytes<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                           _ body: (RecordID, UnsafeRawBufferPointer) throws -> Bool) throws -> Continuation? {
        guard notes != nil else { return try gatedScan(type, after: continuation, limit: limit, body) }
        return try gatedScan(type, after: continuation, limit: limit) { id, bytes in
            try note(R.self, id: id, bytes)
            return try body(id, bytes)
        }
    }

    /// ``scanBytes(_:after:limit:_:)`` without noting the reads (counts).
    func gatedScan<R: StoredRecord>(_ type: R.Type, after continuation: Continuation?, limit: Int?,
                                    from start: RecordID? = nil, before bound: RecordID? = nil,
                                    _ body: (RecordID, UnsafeRawBufferPointer) throws -> Bool) throws -> Continuation? {
        if let gate = try readGate(R.schema.name) {
            return try walk(type, after: continuation, limit: limit, from: start, before: bound) { id, bytes in
                try Self.through(gate, R.self, id: id, bytes) { try body(id, $0) } ?? true
            }
        }
        return try walk(type, after: continuation, limit: limit, from: start, before: bound, body)
    }

    /// The records of `type` in id order, as stored; with `start` and `bound`, those with an
    /// id from `start` and below `bound`.
    private func walk<R: StoredRecord>(_ type: R.Type, after continuation: Continuation?, limit: Int?,
                                       from start: RecordID? = nil, before bound: RecordID? = nil,
                                       _ body: (RecordID, UnsafeRawBufferPointer) throws -> Bool) throws -> Continuation? {
        let t = try core.type(R.schema.name)
        let query = Continuation.Query(scope: "\(t.schema.name).records", range: .all)
        try continuation?.check(query)
        let cursor = try txn.cursor(t.records)
        var entry: Cursor.Entry?
        if let continuation {
            let from = FixedWidth.bytes(continuation.id &+ 1)
            entry = continuation.id == .max ? nil : try cursor.seek(atLeast: from)
        } else if let start {
            entry = try cursor.seek(atLeast: FixedWidth.bytes(start))
        } else {
            entry = try cursor.first()
        }
        var seen = 0
        var lastID: RecordID = 0
        while let e = entry {
            if let limit, seen >= limit { return Continuation(query, key: [], id: lastID) }
            lastID = FixedWidth.uint64(e.key)
            if let bound, lastID >= bound { return nil }
            seen += 1
            if try !opened(t.schema.name, id: lastID, e.value, { try body(lastID, $0) }) { return Continuation(query, key: [], id: lastID) }
            entry = try cursor.next()
        }
        return nil
    }
}
