import Foundation
import LMDB

/// Writes a tenant inside ``Tenant/write(_:)``. It reads like a ``TenantReader`` (seeing its
/// own writes). Every record write maintains all of the record type's indexes and appends a
/// change-log fact in the same transaction. Do not keep a writer past its closure.
///
/// ```swift
/// try tenant.write { txn in
///     try txn.insert(item)                   // fails if the id exists
///     try txn.update(changedItem)            // fails if it does not
///     try txn.delete(Item.self, id: 7)
/// }
/// ```
public final class TenantWriter: TenantReader {
    let write: WriteTransaction
    private var pendingCounts: [PendingCount: Int64] = [:]
    /// Dated-count changes per day, expanded into day, month and year buckets at flush time, so
    /// each record costs one table update per dated entry.
    private var pendingDays: [PendingDay: Int64] = [:]
    private var sequence: UInt64 = 0
    private(set) var day: Int32 = 0

    struct PendingCount: Hashable {
        let db: UInt32
        let key: KeyBytes
    }

    /// A dated-count change on one day: `key` holds the group then the subgroup bytes.
    struct PendingDay: Hashable {
        let db: UInt32
        let day: Int32
        let split: Int32
        let key: KeyBytes
    }

    /// A value-index entry of a bulk batch, sorted by database, key and id before writing.
    struct PendingValue {
        let db: UInt32
        let key: KeyBytes
        let id: RecordID
    }

    init(core: TenantCore, write: WriteTransaction, principal: Principal, policy: any AccessPolicy) {
        self.write = write
        super.init(core: core, transaction: RawTransaction(write), principal: principal, policy: policy)
    }

    func begin() throws {
        sequence = try lastChangeSequence()
        day = try today().rawValue
        let now = core.today.rawValue
        if now > day { try advanceDay(to: Day(rawValue: now)) }
    }

    func finish() throws { try flushCounts() }

    override func willRead() throws { try flushCounts() }

    /// How a record write treats an existing record.
    enum Mode { case insert, update, upsert }

    /// Inserts a new record.
    /// - Throws: ``HosoError/recordAlreadyExists(type:id:)``, ``HosoError/uniqueViolation(index:key:existing:new:)``,
    ///   ``HosoError/recordTooLarge(type:id:size:limit:)``; nothing is written then.
    public func insert<R: StoredRecord>(_ record: R) throws { try store(record, mode: .insert, log: true) }

    /// Replaces an existing record, re-indexing what changed.
    /// - Throws: ``HosoError/recordNotFound(type:id:)`` and the errors of ``insert(_:)``.
    public func update<R: StoredRecord>(_ record: R) throws { try store(record, mode: .update, log: true) }

    /// Inserts or replaces a record.
    public func put<R: StoredRecord>(_ record: R) throws { try store(record, mode: .upsert, log: true) }

    /// Deletes a record and its index entries; `false` when there was none.
    @discardableResult
    public func delete<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> Bool {
        try authorize(.write(recordType: R.schema.name))
        let t = try core.type(R.schema.name)
        let key = FixedWidth.bytes(id)
        guard let old = try write.get(t.records, key: key) else { return false }
        let oldEntries = try t.schema.entriesOf(id, old, IndexContext(today: day))
        try apply(t, old: oldEntries, new: IndexEntries(), id: id)
        try write.delete(t.records, key: key)
        try appendChange(.delete, type: t.schema.name, ids: [id], payload: nil, detail: nil)
        return true
    }

    /// Stores a named setting blob and logs the change.
    public func setSetting(_ name: String, _ bytes: [UInt8]) throws {
        try authorize(.administer("change setting \(name)"))
        try write.put(core.meta, key: MetaKeys.setting(name), value: bytes)
        try appendChange(.setting, type: nil, ids: [], payload: bytes, detail: "setting \(name)")
    }

    /// Moves the tenant's current day forward to `newDay` (never back), re-indexing the records
    /// whose "current" entries change on the days passed. Writes do this by themselves with the
    /// store's clock; call it to move ahead explicitly.
    public func advanceDay(to newDay: Day) throws {
        let target = newDay.rawValue
        guard target > day else { return }
        var reindexed = 0
        for t in core.types.values {
            guard let transition = t.schema.transitionIndex else { continue }
            var ids = Set<RecordID>()
            let from = Tuple([.int(Int64(day) + 1)])
            let through = Tuple([.int(Int64(target) + 1)])
            try self.ids(in: transition, .between(from, through)) { _, id in
                ids.insert(id); return true
            }
            for id in ids.sorted() {
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
        try appendChange(.advanceDay, type: nil, ids: [], payload: nil,
                         detail: "current day \(from) → \(newDay); \(reindexed) records re-indexed")
    }

    // MARK: Engine

    func store<R: StoredRecord>(_ record: R, mode: Mode, log: Bool) throws {
        try authorize(.write(recordType: R.schema.name))
        let t = try core.type(R.schema.name)
        let bytes = record.encoded()
        guard bytes.count <= t.schema.maximumRecordSize else {
            throw HosoError.recordTooLarge(type: t.schema.name, id: record.id, size: bytes.count, limit: t.schema.maximumRecordSize)
        }
        let key = FixedWidth.bytes(record.id)
        let context = IndexContext(today: day)
        var newEntries = IndexEntries()
        record.indexEntries(&newEntries, context: context)
        var oldEntries: IndexEntries?
        if let old = try write.get(t.records, key: key) {
            if mode == .insert { throw HosoError.recordAlreadyExists(type: t.schema.name, id: record.id) }
            oldEntries = try t.schema.entriesOf(record.id, old, context)
        } else if mode == .update {
            throw HosoError.recordNotFound(type: t.schema.name, id: record.id)
        }
        try checkUnique(new: newEntries, old: oldEntries, id: record.id)
        try apply(t, old: oldEntries ?? IndexEntries(), new: newEntries, id: record.id)
        try write.put(t.records, key: key, value: bytes)
        if log {
            try appendChange(oldEntries == nil ? .insert : .update, type: t.schema.name, ids: [record.id], payload: bytes, detail: nil)
        }
    }

    /// Refuses a unique key held by another record, before anything is written.
    private func checkUnique(new: IndexEntries, old: IndexEntries?, id: RecordID) throws {
        for entry in new.values {
            guard let r = core.indexes[entry.index], r.definition.kind == .unique else { continue }
            if let old, old.values.contains(entry) { continue }
            if let existing = try write.get(r.db, key: entry.bytes), FixedWidth.uint64(existing) != id {
                let key = entry.bytes.description
                throw HosoError.uniqueViolation(index: r.scope, key: key, existing: FixedWidth.uint64(existing), new: id)
            }
        }
    }

    /// Applies the difference between a record's old and new index entries.
    func apply(_ t: ResolvedType, old: IndexEntries, new: IndexEntries, id: RecordID) throws {
        let idBytes = FixedWidth.bytes(id)
        if old.values != new.values {
            let oldSet = Set(old.values), newSet = Set(new.values)
            for entry in oldSet.subtracting(newSet) {
                let r = core.indexes[entry.index]!
                if r.definition.kind == .unique { try write.delete(r.db, key: entry.bytes) }
                else { try write.delete(r.db, key: entry.bytes, value: idBytes) }
            }
            for entry in newSet.subtracting(oldSet) {
                let r = core.indexes[entry.index]!
                if r.definition.kind == .unique { try write.put(r.db, key: entry.bytes, value: idBytes) }
                else { try write.put(r.db, key: entry.bytes, value: idBytes, flags: .noDupData) }
            }
        }
        if !old.sameAggregates(as: new) {
            for (k, v) in old.counts { addCount(k, -v) }
            for (k, v) in new.counts { addCount(k, v) }
            for (k, v) in old.dated { addDated(k, -v) }
            for (k, v) in new.dated { addDated(k, v) }
        }
        if old.intervals != new.intervals {
            let oldSet = Set(old.intervals), newSet = Set(new.intervals)
            for i in oldSet.subtracting(newSet) {
                let r = core.indexes[i.index]!
                try write.delete(r.db, key: i.group, value: Self.packed(i.start, i.end, idBytes))
                try write.delete(r.endDB!, key: i.group, value: Self.packed(i.end, i.start, idBytes))
            }
            for i in newSet.subtracting(oldSet) {
                let r = core.indexes[i.index]!
                try write.put(r.db, key: i.group, value: Self.packed(i.start, i.end, idBytes), flags: .noDupData)
                try write.put(r.endDB!, key: i.group, value: Self.packed(i.end, i.start, idBytes), flags: .noDupData)
            }
        }
    }

    @inline(__always)
    static func packed(_ a: Int32, _ b: Int32, _ id: [UInt8]) -> [UInt8] {
        // 16 bytes: two order-preserving days and the id.
        var v: [UInt8] = []
        v.reserveCapacity(16)
        FixedWidth.append(a, to: &v); FixedWidth.append(b, to: &v); v.append(contentsOf: id)
        return v
    }

    @inline(__always)
    func addCount(_ key: IndexEntries.Key, _ delta: Int64) {
        pendingCounts[PendingCount(db: core.indexes[key.index]!.db.dbi, key: key.bytes), default: 0] += delta
    }

    @inline(__always)
    func addDated(_ d: IndexEntries.Dated, _ delta: Int64) {
        var key = d.group
        key.append(contentsOf: d.subgroup)
        pendingDays[PendingDay(db: core.indexes[d.index]!.db.dbi, day: d.day, split: Int32(d.group.count), key: key), default: 0] += delta
    }

    /// Expands per-day changes into their day, month and year bucket keys.
    private func expandDays() {
        guard !pendingDays.isEmpty else { return }
        pendingCounts.reserveCapacity(pendingCounts.count + pendingDays.count * 2)
        for (d, delta) in pendingDays where delta != 0 {
            d.key.withBytes { raw in
                let group = UnsafeRawBufferPointer(rebasing: raw[..<Int(d.split)])
                let subgroup = UnsafeRawBufferPointer(rebasing: raw[Int(d.split)...])
                let monthly = core.monthlyDatabases.contains(d.db)
                for (granularity, period) in DayBuckets.buckets(of: d.day) where !(monthly && granularity == DayBuckets.day) {
                    var key = KeyBytes(bytes: group)
                    key.append(granularity); key.append(period); key.appendRaw(subgroup)
                    pendingCounts[PendingCount(db: d.db, key: key), default: 0] += delta
                }
            }
        }
        pendingDays.removeAll(keepingCapacity: true)
    }

    /// Writes accumulated count changes: each count key is read and written once per
    /// transaction, however many records touched it, in key order through one cursor per
    /// database (LMDB finds a key next to the cursor's page without descending the tree).
    func flushCounts() throws {
        expandDays()
        guard !pendingCounts.isEmpty else { return }
        let entries = pendingCounts.filter { $0.value != 0 }.map { ($0.key, $0.value) }
        pendingCounts.removeAll(keepingCapacity: true)
        let order = Self.sortedOrder(entries.count, db: { entries[$0].0.db }, key: { entries[$0].0.key })
        var start = 0
        while start < order.count {
            let dbi = entries[order[start]].0.db
            var stop = start
            while stop < order.count && entries[order[stop]].0.db == dbi { stop += 1 }
            let cursor = try write.cursor(core.countDatabases[dbi]!)
            for i in order[start..<stop] {
                let (k, delta) = entries[i]
                try k.key.withBytes { key throws in
                    if let found = try cursor.seek(exactly: key) {
                        let updated = FixedWidth.counter(found.value) + delta
                        if updated == 0 { try cursor.deleteCurrent() }
                        else { try FixedWidth.counterBytes(updated).withUnsafeBytes { v in _ = try cursor.put(key: key, value: v, flags: .current) } }
                    } else {
                        try FixedWidth.counterBytes(delta).withUnsafeBytes { v in _ = try cursor.put(key: key, value: v) }
                    }
                }
            }
            start = stop
        }
    }

    /// Encodes records and collects their index entries on all cores (chunks of the batch in
    /// parallel); results come back in the records' order.
    static func encodeInParallel<R: StoredRecord>(_ records: [R], formatVersion: UInt8, context: IndexContext) -> [([UInt8], IndexEntries)] {
        let slots = EncodedSlots(records.count)
        let chunks = records.count < 2_000 ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let chunkSize = (records.count + chunks - 1) / max(chunks, 1)
        slots.items.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var writer = RecordWriter(formatVersion: formatVersion)
                for i in (chunk * chunkSize)..<min(records.count, (chunk + 1) * chunkSize) {
                    writer.reset(formatVersion: formatVersion)
                    records[i].encode(to: &writer)
                    var entries = IndexEntries()
                    records[i].indexEntries(&entries, context: context)
                    out[i] = (writer.bytes, entries)
                }
            }
        }
        return slots.items
    }

    /// The order of `count` entries by database, key and id, computed on small proxies (database
    /// and the key's first eight bytes) so the sort moves 16-byte values, not whole keys.
    static func sortedOrder(_ count: Int, db: (Int) -> UInt32, key: (Int) -> KeyBytes, id: ((Int) -> RecordID)? = nil) -> [Int] {
        struct Proxy { var db: UInt32; var index: Int32; var w0: UInt64; var w1: UInt64; var w2: UInt64 }
        var proxies = (0..<count).map { i -> Proxy in
            let w = key(i).leadingWords
            return Proxy(db: db(i), index: Int32(i), w0: w.0, w1: w.1, w2: w.2)
        }
        proxies.sort { a, b in
            if a.db != b.db { return a.db < b.db }
            if a.w0 != b.w0 { return a.w0 < b.w0 }
            if a.w1 != b.w1 { return a.w1 < b.w1 }
            if a.w2 != b.w2 { return a.w2 < b.w2 }
            let ka = key(Int(a.index)), kb = key(Int(b.index))
            if ka != kb { return ka < kb }
            if let id { return id(Int(a.index)) < id(Int(b.index)) }
            return false
        }
        return proxies.map { Int($0.index) }
    }

    func appendChange(_ op: ChangeRecord.Operation, type: String?, ids: [RecordID], payload: [UInt8]?, detail: String?) throws {
        sequence += 1
        let change = ChangeRecord(sequence: sequence, timestamp: ChangeRecord.now(), actor: principal.name, operation: op,
                                  recordType: type, recordIDs: ids, payload: payload, detail: detail)
        try write.put(core.changeLog, key: FixedWidth.bytes(sequence), value: change.encoded(), flags: .append)
    }

    // MARK: Bulk

    /// The records of `records` the store would refuse now (an id that exists, a unique key held
    /// by another record or by an earlier record of the batch), with the reason, and the others.
    func partitionConflicts<R: StoredRecord>(_ records: [R]) throws -> (kept: [R], refused: [(R, HosoError)]) {
        let t = try core.type(R.schema.name)
        let context = IndexContext(today: day)
        var kept: [R] = [], refused: [(R, HosoError)] = []
        var ids = Set<RecordID>(), keys: [IndexEntries.Key: RecordID] = [:]
        for r in records {
            let stored = try write.get(t.records, key: FixedWidth.bytes(r.id)) != nil
            if ids.contains(r.id) || stored {
                refused.append((r, .recordAlreadyExists(type: t.schema.name, id: r.id))); continue
            }
            var entries = IndexEntries()
            r.indexEntries(&entries, context: context)
            var conflict: HosoError?
            for v in entries.values {
                guard let ri = core.indexes[v.index], ri.definition.kind == .unique else { continue }
                if let other = keys[v] { conflict = .uniqueViolation(index: ri.scope, key: v.bytes.description, existing: other, new: r.id); break }
                if let existing = try write.get(ri.db, key: v.bytes) {
                    conflict = .uniqueViolation(index: ri.scope, key: v.bytes.description, existing: FixedWidth.uint64(existing), new: r.id); break
                }
            }
            if let conflict { refused.append((r, conflict)); continue }
            ids.insert(r.id)
            for v in entries.values where core.indexes[v.index]?.definition.kind == .unique { keys[v] = r.id }
            kept.append(r)
        }
        return (kept, refused)
    }

    /// Inserts a batch of new records of one type, sorted by id; when every id is above the
    /// largest stored one the records are appended without searching. Logs one change-log
    /// fact for the batch.
    func insertBatch<R: StoredRecord>(_ records: [R]) throws {
        guard !records.isEmpty else { return }
        try authorize(.write(recordType: R.schema.name))
        let t = try core.type(R.schema.name)
        let sorted = records.sorted { $0.id < $1.id }
        var previous: RecordID? = nil
        for r in sorted {
            if r.id == previous { throw HosoError.recordAlreadyExists(type: t.schema.name, id: r.id) }
            previous = r.id
        }
        let lastStored = try txn.cursor(t.records).last().map { FixedWidth.uint64($0.key) }
        let appendable = lastStored.map { sorted[0].id > $0 } ?? true
        if !appendable {
            for r in sorted { try store(r, mode: .insert, log: false) }
        } else {
            let context = IndexContext(today: day)
            var values: [PendingValue] = []
            values.reserveCapacity(sorted.count * 8)
            // Encoding and index entries are pure: computed on every core, then written in order.
            let encoded = Self.encodeInParallel(sorted, formatVersion: t.schema.formatVersion, context: context)
            for (r, (bytes, entries)) in zip(sorted, encoded) {
                guard bytes.count <= t.schema.maximumRecordSize else {
                    throw HosoError.recordTooLarge(type: t.schema.name, id: r.id, size: bytes.count, limit: t.schema.maximumRecordSize)
                }
                let idBytes = FixedWidth.bytes(r.id)
                try write.put(t.records, key: idBytes, value: bytes, flags: .append)
                for v in entries.values { values.append(PendingValue(db: core.indexes[v.index]!.db.dbi, key: v.bytes, id: r.id)) }
                for (k, n) in entries.counts { addCount(k, n) }
                for (k, n) in entries.dated { addDated(k, n) }
                for i in entries.intervals {
                    let ri = core.indexes[i.index]!
                    try write.put(ri.db, key: i.group, value: Self.packed(i.start, i.end, idBytes), flags: .noDupData)
                    try write.put(ri.endDB!, key: i.group, value: Self.packed(i.end, i.start, idBytes), flags: .noDupData)
                }
            }
            let order = Self.sortedOrder(values.count, db: { values[$0].db }, key: { values[$0].key }, id: { values[$0].id })
            var start = 0
            while start < order.count {
                let dbi = values[order[start]].db
                var stop = start
                while stop < order.count && values[order[stop]].db == dbi { stop += 1 }
                let r = core.valueIndexes[dbi]!
                let cursor = try write.cursor(r.db)
                let flags: PutFlags = r.definition.kind == .unique ? .noOverwrite : .noDupData
                for i in order[start..<stop] {
                    let v = values[i]
                    let stored = try v.key.withBytes { k in
                        try FixedWidth.bytes(v.id).withUnsafeBytes { id in try cursor.put(key: k, value: id, flags: flags) }
                    }
                    if !stored && r.definition.kind == .unique {
                        let existing = try write.get(r.db, key: v.key).map { FixedWidth.uint64($0) } ?? 0
                        throw HosoError.uniqueViolation(index: r.scope, key: v.key.description, existing: existing, new: v.id)
                    }
                }
                start = stop
            }
        }
        try appendChange(.bulkInsert, type: t.schema.name, ids: sorted.map(\.id), payload: nil, detail: "\(sorted.count) records")
    }
}

/// Result slots filled by parallel encoding; each slot is written by exactly one chunk.
final class EncodedSlots: @unchecked Sendable {
    var items: [([UInt8], IndexEntries)]
    init(_ n: Int) { items = Array(repeating: ([], IndexEntries()), count: n) }
}
