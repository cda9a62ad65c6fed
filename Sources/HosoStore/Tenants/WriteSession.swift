import LMDB

/// The engine side of one write transaction of a tenant: the LMDB write transaction, the count
/// changes still pending, the change-log sequence and the tenant's current day. Every record
/// write goes through it (typed writes of ``TenantWriter``, bulk loads, replays, rebuilds and
/// verify's scratch rebuild) and is handed to each index's maintainer; nothing here knows an
/// index kind. It lives only inside the closure of ``Environment/write(_:)``.
final class WriteSession {
    let core: TenantCore
    /// The write transaction (a second view of the one the closure lends).
    let write: WriteTransaction
    /// Who the change-log facts name.
    let actor: String
    var pending = PendingCounts()
    private(set) var sequence: UInt64 = 0
    private(set) var day: Int32 = 0
    /// The sealing keys of the writing handle (`nil`: none).
    let keys: Keyring?
    /// The tenant's sealing state, read when the session begins (`nil`: records are kept in clear).
    var sealing: KeyVault.State?

    init(core: TenantCore, transaction: borrowing WriteTransaction, actor: String, keys: Keyring? = nil) {
        self.core = core; self.actor = actor; self.keys = keys
        write = WriteTransaction(handle: transaction.rawHandle, environment: transaction.environment)
    }

    /// What the writer's reader reads through: this transaction, with its pending counts.
    var scope: ReadScope { ReadScope(txn: RawTransaction(write), session: self) }

    /// Reads the log's position and the tenant's day, and moves the day forward to the store's
    /// clock (re-indexing what changes).
    func begin() throws {
        sequence = try write.cursor(core.changeLog).last().map { FixedWidth.uint64($0.key) } ?? 0
        day = try write.get(core.meta, key: MetaKeys.today).map { Int32(FixedWidth.counter($0)) } ?? core.today.rawValue
        sealing = try KeyVault.state(in: write, meta: core.meta)
        let now = core.today.rawValue
        if now > day { try advanceDay(to: Day(rawValue: now)) }
    }

    /// Writes what is pending; called before the transaction commits.
    func finish() throws { try flushCounts() }

    /// Writes the accumulated count changes (see ``PendingCounts``).
    func flushCounts() throws {
        if !pending.isEmpty { try pending.flush(into: write, databases: core.countDatabases) }
    }

    // MARK: Records

    /// How a record write treats an existing record.
    enum Mode { case insert, update, upsert }

    /// Stores a typed record (digested and sealed in a sealed tenant).
    func store<R: StoredRecord>(_ record: R, mode: Mode, log: Bool) throws {
        let t = try core.type(R.schema.name)
        if sealing != nil, let old = try write.get(t.records, key: FixedWidth.bytes(record.id)) {
            try checkReplaceable(t, id: record.id, stored: old)
        }
        let (record, bytes) = try sealedForm(record)
        guard bytes.count <= t.schema.maximumRecordSize else {
            throw HosoError.recordTooLarge(type: t.schema.name, id: record.id, size: bytes.count, limit: t.schema.maximumRecordSize)
        }
        var entries = IndexEntries()
        record.indexEntries(&entries, context: IndexContext(today: day))
        try store(t, id: record.id, bytes: bytes, entries: entries, mode: mode, log: log)
    }

    /// Stores record `id` as `bytes` with the index entries `entries`: every maintainer may
    /// refuse it first (nothing is written then), then every maintainer updates its index.
    func store(_ t: ResolvedType, id: RecordID, bytes: [UInt8], entries: IndexEntries, mode: Mode, log: Bool) throws {
        guard bytes.count <= t.schema.maximumRecordSize else {
            throw HosoError.recordTooLarge(type: t.schema.name, id: id, size: bytes.count, limit: t.schema.maximumRecordSize)
        }
        let key = FixedWidth.bytes(id)
        var oldEntries: IndexEntries?
        if let old = try write.get(t.records, key: key) {
            if mode == .insert { throw HosoError.recordAlreadyExists(type: t.schema.name, id: id) }
            oldEntries = try t.schema.entriesOf(id, old, IndexContext(today: day))
        } else if mode == .update {
            throw HosoError.recordNotFound(type: t.schema.name, id: id)
        }
        for m in t.maintainers { try m.validate(id, old: oldEntries, new: entries, in: self) }
        try apply(t, old: oldEntries ?? IndexEntries(), new: entries, id: id)
        try write.put(t.records, key: key, value: bytes)
        if log { try appendChange(oldEntries == nil ? .insert : .update, type: t.schema.name, ids: [id], payload: bytes) }
    }

    /// Deletes record `id` and its index entries; `false` when there was none.
    func delete(_ t: ResolvedType, id: RecordID) throws -> Bool {
        let key = FixedWidth.bytes(id)
        guard let old = try write.get(t.records, key: key) else { return false }
        let oldEntries = try t.schema.entriesOf(id, old, IndexContext(today: day))
        try apply(t, old: oldEntries, new: IndexEntries(), id: id)
        try write.delete(t.records, key: key)
        try redactLogCopies(t, id: id)
        try appendChange(.delete, type: t.schema.name, ids: [id])
        return true
    }

    /// Rewrites every change-log copy of record `id` (its inserts, updates and bulk-insert
    /// entries) into the form its type keeps after deletion, so the log holds its ids and dates
    /// but no field that identifies a person. It reads the whole log (fact headers only, the
    /// copies of other records are skipped unread), like a compaction reads the whole file.
    func redactLogCopies(_ t: ResolvedType, id: RecordID) throws {
        var found: [UInt64] = []
        let cursor = try write.cursor(core.changeLog)
        var entry = try cursor.first()
        while let e = entry {
            if try ChangeRecord.mentions(e.value, recordType: t.schema.name, id: id) { found.append(FixedWidth.uint64(e.key)) }
            entry = try cursor.next()
        }
        for sequence in found {
            let key = FixedWidth.bytes(sequence)
            guard let bytes = try write.get(core.changeLog, key: key) else { continue }
            var fact = try ChangeRecord.decode(sequence: sequence, bytes)
            var changed = false
            if let payload = fact.payload, fact.operation == .insert || fact.operation == .update, fact.recordIDs.first == id {
                let kept = try payload.withUnsafeBytes { buffer throws(HosoError) in try t.schema.redactedOf(id, buffer) }
                if kept != payload { fact.payload = kept; changed = true }
            }
            for (i, rid) in fact.recordIDs.enumerated() where rid == id && i < fact.payloads.count {
                let kept = try fact.payloads[i].withUnsafeBytes { buffer throws(HosoError) in try t.schema.redactedOf(id, buffer) }
                if kept != fact.payloads[i] { fact.payloads[i] = kept; changed = true }
            }
            // A type without personal fields keeps its copies as they are: nothing to rewrite.
            if changed { try write.put(core.changeLog, key: key, value: fact.encoded()) }
        }
    }

    /// Hands a record's change of index entries to every maintainer of its type.
    @inline(__always)
    func apply(_ t: ResolvedType, old: IndexEntries, new: IndexEntries, id: RecordID) throws {
        for m in t.maintainers { try m.update(id, old: old, new: new, in: self) }
    }

    // MARK: Tenant state

    /// Moves the tenant's current day forward to `newDay` (never back), re-indexing the records
    /// the transition index names for the days passed.
    func advanceDay(to newDay: Day) throws {
        let target = newDay.rawValue
        guard target > day else { return }
        var reindexed = 0
        for t in core.types.values {
            guard let transition = t.transition else { continue }
            let ids = try transition.records(changingAfter: day, through: target, try scope.open(transition))
            for id in ids {
                guard let bytes = try write.get(t.records, key: FixedWidth.bytes(id)) else { continue }
                let old = try t.schema.entriesOf(id, bytes, IndexContext(today: day))
                let new = try t.schema.entriesOf(id, bytes, IndexContext(today: target))
                try apply(t, old: old, new: new, id: id)
            }
            reindexed += ids.count
        }
        let from = Day(rawValue: day)
        day = target
        try write.put(core.meta, key: MetaKeys.today, value: FixedWidth.counterBytes(Int64(target)))
        try appendChange(.advanceDay, type: nil, ids: [], day: newDay,
                         detail: "current day \(from) → \(newDay); \(reindexed) records re-indexed")
    }

    /// Stores a named setting blob and logs it.
    func setSetting(_ name: String, _ bytes: [UInt8]) throws {
        try write.put(core.meta, key: MetaKeys.setting(name), value: bytes)
        try appendChange(.setting, type: nil, ids: [], payload: bytes, settingName: name, detail: "setting \(name)")
    }

    /// Appends a fact to the change log.
    func appendChange(_ op: ChangeRecord.Operation, type: String?, ids: [RecordID], payload: [UInt8]? = nil,
                      payloads: [[UInt8]] = [], settingName: String? = nil, day: Day? = nil, detail: String? = nil) throws {
        sequence += 1
        let change = ChangeRecord(sequence: sequence, timestamp: ChangeRecord.now(), actor: actor, operation: op,
                                  recordType: type, recordIDs: ids, payload: payload, detail: detail,
                                  payloads: payloads, settingName: settingName, day: day)
        try write.put(core.changeLog, key: FixedWidth.bytes(sequence), value: change.encoded(), flags: .append)
    }
}
