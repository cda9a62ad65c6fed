import LMDB

/// Writes a tenant inside ``Tenant/write(_:)``. Every record write maintains all of the record
/// type's indexes and appends a change-log fact in the same transaction.
///
/// A writer holds a ``reader`` that sees its writes; the read methods of ``TenantReader`` are
/// also available on the writer itself and read through it. Count changes are accumulated and
/// written once per key; any count or dated-count read made through the writer writes them
/// first, so it sees every write before it.
///
/// A writer is non-copyable and only lent to the closure: it cannot be kept past it.
///
/// ```swift
/// let total = try tenant.write { txn in
///     try txn.insert(note)                      // fails if the id exists
///     var agenda = try txn.get(Note.self, id: 2)!
///     agenda.text = "Agenda, second draft"
///     try txn.update(agenda)                    // fails if it does not
///     try txn.delete(Note.self, id: 3)
///     return try txn.countSum(Note.perAuthorTag, .all)   // includes the writes above
/// }
/// print(total)   // 3
/// ```
public struct TenantWriter: ~Copyable {
    /// Reads that see this transaction's writes.
    ///
    /// ```swift
    /// let stored = try tenant.write { w in
    ///     try w.insert(note)
    ///     return try w.reader.contains(Note.self, id: note.id)   // the reader sees the insert
    /// }
    /// print(stored)   // true
    /// ```
    public let reader: TenantReader
    let session: WriteSession

    init(session: WriteSession, principal: Principal, policy: any AccessPolicy) {
        self.session = session
        reader = TenantReader(core: session.core, scope: session.scope, principal: principal, policy: policy, keys: session.keys)
    }

    /// Who is writing.
    public var principal: Principal { reader.principal }

    func authorize(_ operation: AccessOperation) throws(HosoError) { try reader.authorize(operation) }

    /// Authorizes writing `record`, and, under a ``RecordGate``, refuses a record the gate
    /// does not admit, as written and (for an update or a delete) as stored.
    func authorizeWrite<R: StoredRecord>(_ record: R?, _ type: R.Type, id: RecordID, replacing: Bool) throws {
        try authorize(.write(recordType: R.schema.name))
        guard let gate = try reader.policy.gate(for: R.schema.name, by: principal) else { return }
        func refuse(_ which: String) -> HosoError {
            .accessDenied(principal: principal.name, operation: "write \(R.schema.name) \(id)",
                          reason: "the \(which) is outside what the \(principal.role) role may read")
        }
        if let record, !gate.admits(record) { throw refuse("record as written") }
        if replacing, let bytes = try reader.txn.get(try session.core.type(R.schema.name).records, key: FixedWidth.bytes(id)),
           !gate.admits(try R.decode(id: id, bytes)) {
            throw refuse("stored record")
        }
    }

    /// Inserts a new record.
    /// - Throws: ``HosoError/recordAlreadyExists(type:id:)``, ``HosoError/uniqueViolation(index:key:existing:new:)``,
    ///   ``HosoError/recordTooLarge(type:id:size:limit:)``; nothing is written then.
    public func insert<R: StoredRecord>(_ record: R) throws {
        try authorizeWrite(record, R.self, id: record.id, replacing: false)
        try session.store(record, mode: .insert, log: true)
    }

    /// Replaces an existing record, re-indexing what changed.
    /// - Throws: ``HosoError/recordNotFound(type:id:)`` and the errors of ``insert(_:)``.
    public func update<R: StoredRecord>(_ record: R) throws {
        try authorizeWrite(record, R.self, id: record.id, replacing: true)
        try session.store(record, mode: .update, log: true)
    }

    /// Inserts or replaces a record.
    public func put<R: StoredRecord>(_ record: R) throws {
        try authorizeWrite(record, R.self, id: record.id, replacing: true)
        try session.store(record, mode: .upsert, log: true)
    }

    /// Deletes a record and its index entries; `false` when there was none.
    @discardableResult
    public func delete<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> Bool {
        try authorizeWrite(nil, R.self, id: id, replacing: true)
        return try session.delete(try session.core.type(R.schema.name), id: id)
    }

    /// Logs a read of the personal fields of records `ids` of `type`: who (the handle's
    /// principal), when, and `what` (a statement, an API call, an export); when more than
    /// `limit` records were read the fact keeps the first `limit` ids and the number read.
    /// The fact is a ``ChangeRecord/Operation/read`` of the change log, which nothing rewrites
    /// or removes; replays skip it.
    ///
    /// ```swift
    /// try tenant.write { w in try w.logRead(of: Note.self, ids: [4], what: "shown on the portal") }
    /// let fact = try tenant.changes(after: 0).last!
    /// print(fact.operation, fact.recordIDs, fact.detail ?? "")   // read [4] shown on the portal
    /// ```
    public func logRead<R: StoredRecord>(of type: R.Type, ids: some Collection<RecordID>, what: String, limit: Int = 10_000) throws {
        try logRead(typeName: R.schema.name, ids: ids, what: what, limit: limit)
    }

    func logRead(typeName: String, ids: some Collection<RecordID>, what: String, limit: Int = 10_000) throws {
        try authorize(.read(recordType: typeName))
        // Ids handed over ascending, each once (as the shell collects them), are kept as they are.
        var sorted = Array(ids)
        if zip(sorted, sorted.dropFirst()).contains(where: { $0 >= $1 }) { sorted = Array(Set(sorted)).sorted() }
        guard !sorted.isEmpty else { return }
        var count = RecordWriter(formatVersion: 1)
        count.write(1, sorted.count)
        try session.appendChange(.read, type: typeName, ids: Array(sorted.prefix(limit)), payload: count.bytes, detail: what)
    }

    /// Stores a named setting blob and logs the change.
    public func setSetting(_ name: String, _ bytes: [UInt8]) throws {
        try authorize(.administer("change setting \(name)"))
        try session.setSetting(name, bytes)
    }

    /// Moves the tenant's current day forward to `newDay` (never back), re-indexing the records
    /// whose "current" entries change on the days passed. Writes do this by themselves with the
    /// store's clock; call it to move ahead explicitly.
    public func advanceDay(to newDay: Day) throws { try session.advanceDay(to: newDay) }

    // MARK: Bulk

    /// Inserts a batch of new records of one type (see ``Tenant/bulkLoad(_:batchSize:progress:)``),
    /// as `prepared` (made from them outside the transaction) when it still holds.
    func insertBatch<R: StoredRecord>(_ records: [R], prepared: PreparedBatch? = nil) throws {
        guard !records.isEmpty else { return }
        try authorize(.write(recordType: R.schema.name))
        if let gate = try reader.policy.gate(for: R.schema.name, by: principal), let outside = records.first(where: { !gate.admits($0) }) {
            throw HosoError.accessDenied(principal: principal.name, operation: "write \(R.schema.name) \(outside.id)",
                                         reason: "the record is outside what the \(principal.role) role may read; nothing of the batch was written")
        }
        try session.insertBatch(records, prepared: prepared)
    }

    /// The records the store would refuse now, and the others (see ``WriteSession/partitionConflicts(_:)``).
    func partitionConflicts<R: StoredRecord>(_ records: [R]) throws -> (kept: [R], refused: [(R, HosoError)]) {
        try session.partitionConflicts(records)
    }
}
