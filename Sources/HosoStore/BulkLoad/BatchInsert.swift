import Crypto
import Foundation
import Synchronization
import LMDB

/// Batches of new records: encoded on all cores, appended in id order, handed to each index's
/// maintainer as a whole batch, and logged as one fact that carries the records.
extension WriteSession {
    /// The records of `records` the store would refuse now (an id that exists, a unique key held
    /// by another record or by an earlier record of the batch), with the reason, and the others.
    func partitionConflicts<R: StoredRecord>(_ records: [R]) throws -> (kept: [R], refused: [(R, HosoError)]) {
        let t = try core.type(R.schema.name)
        let context = IndexContext(today: day)
        var kept: [R] = [], refused: [(R, HosoError)] = []
        var ids = Set<RecordID>(), claimed: [IndexEntries.Key: RecordID] = [:]
        // In a sealed tenant unique keys are digests: compare what will be stored.
        let records = try digested(records)
        for r in records {
            let stored = try write.get(t.records, key: FixedWidth.bytes(r.id)) != nil
            if ids.contains(r.id) || stored {
                refused.append((r, .recordAlreadyExists(type: t.schema.name, id: r.id))); continue
            }
            var entries = IndexEntries()
            r.indexEntries(&entries, context: context)
            var conflict: HosoError?
            for m in t.maintainers {
                if let why = try m.refusal(of: r.id, entries, claimed: claimed, in: self) { conflict = why; break }
            }
            if let conflict { refused.append((r, conflict)); continue }
            ids.insert(r.id)
            for m in t.maintainers { m.claim(r.id, entries, claimed: &claimed) }
            kept.append(r)
        }
        return (kept, refused)
    }

    /// Inserts a batch of new records of one type, sorted by id (encoding and index entries
    /// computed on every core). Logs one change-log fact for the batch, carrying the records.
    func insertBatch<R: StoredRecord>(_ records: [R]) throws {
        guard !records.isEmpty else { return }
        let t = try core.type(R.schema.name)
        let sorted = try digested(records).sorted { $0.id < $1.id }
        var previous: RecordID? = nil
        for r in sorted {
            if r.id == previous { throw HosoError.recordAlreadyExists(type: t.schema.name, id: r.id) }
            previous = r.id
        }
        var encoded = Self.encodeInParallel(sorted, formatVersion: t.schema.formatVersion, context: IndexContext(today: day))
        if sealing != nil, sorted[0].sealingScope != nil {
            var scopeKeys: [String: SealingKey] = [:]
            for r in sorted {
                guard let scope = r.sealingScope, scopeKeys[scope] == nil else { continue }
                let (id, key) = try sealingKey(for: scope, what: "write \(t.schema.name) \(r.id)")
                scopeKeys[scope] = SealingKey(id: id, key: key)
            }
            try Self.sealInParallel(&encoded.bytes, sorted, keys: scopeKeys, type: t.schema.name)
        }
        try insertSorted(t, ids: sorted.map(\.id), bytes: encoded.bytes, entries: encoded.entries)
    }

    /// Inserts `records` as `prepared`, made from them outside the transaction, when it still
    /// holds (the day it was computed as of is this transaction's, and the records are kept in
    /// clear); otherwise as ``insertBatch(_:)`` does.
    func insertBatch<R: StoredRecord>(_ records: [R], prepared: PreparedBatch?) throws {
        if let prepared, prepared.day == day, prepared.type == R.schema.name, sealing == nil || records.first?.sealingScope == nil {
            try insertPrepared(prepared)
        } else {
            try insertBatch(records)
        }
    }

    /// Inserts new records given as stored bytes (a replayed bulk fact), in id order.
    func insertBatch(_ t: ResolvedType, ids: [RecordID], bytes: [[UInt8]]) throws {
        guard !ids.isEmpty else { return }
        guard ids.count == bytes.count else {
            throw HosoError.corruptRecord(type: "change", id: nil, reason: "a bulk insert of \(ids.count) ids carries \(bytes.count) records")
        }
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        for (a, b) in zip(order, order.dropFirst()) where ids[a] == ids[b] {
            throw HosoError.recordAlreadyExists(type: t.schema.name, id: ids[a])
        }
        let context = IndexContext(today: day)
        let sortedIDs = order.map { ids[$0] }, sortedBytes = order.map { bytes[$0] }
        let entries = try zip(sortedIDs, sortedBytes).map { id, b in try b.withUnsafeBytes { try t.schema.entriesOf(id, $0, context) } }
        try insertSorted(t, ids: sortedIDs, bytes: sortedBytes, entries: entries)
    }

    /// Inserts records sorted by id, without duplicates, and hands the whole batch to each
    /// maintainer (sorted cursor writes, counts loaded on a second core).
    private func insertSorted(_ t: ResolvedType, ids: [RecordID], bytes: [[UInt8]], entries: [IndexEntries]) throws {
        try loadIndexes(t, LoadBatch(ids: ids, entries: entries)) { try putRecords(t, ids: ids, bytes: bytes) }
        try appendChange(.bulkInsert, type: t.schema.name, ids: ids, payloads: bytes, detail: "\(ids.count) records")
    }

    /// Writes a batch made ready outside the transaction (``PreparedBatch``): its records, then
    /// its index runs and counts, then the change-log fact. Reads `batch` only, so a transaction
    /// run again (the map grew) writes it again whole.
    func insertPrepared(_ batch: PreparedBatch) throws {
        let t = try core.type(batch.type)
        try putRecords(t, ids: batch.ids, bytes: batch.bytes)
        try writeIndexes(t, batch.load, batch.work)
        try appendChange(.bulkInsert, type: t.schema.name, ids: batch.ids, payloads: batch.bytes, detail: "\(batch.ids.count) records")
        core.preparedBatchesWritten.add(1, ordering: .relaxed)
    }

    /// Puts new records, sorted by id. When every id is above the largest stored one they are
    /// appended without searching; otherwise each is put where it belongs, and an id stored
    /// already fails the batch.
    private func putRecords(_ t: ResolvedType, ids: [RecordID], bytes: [[UInt8]]) throws {
        let lastStored = try write.cursor(t.records).last().map { FixedWidth.uint64($0.key) }
        let appending = lastStored.map { ids[0] > $0 } ?? true
        for i in ids.indices {
            guard bytes[i].count <= t.schema.maximumRecordSize else {
                throw HosoError.recordTooLarge(type: t.schema.name, id: ids[i], size: bytes[i].count, limit: t.schema.maximumRecordSize)
            }
            let stored = try write.put(t.records, key: FixedWidth.bytes(ids[i]), value: bytes[i], flags: appending ? .append : .noOverwrite)
            if !stored { throw HosoError.recordAlreadyExists(type: t.schema.name, id: ids[i]) }
        }
    }

    /// Runs `records` (the appends of the batch's records), then loads `batch` into every index
    /// of `t`. What touches no database is done on every core, beside the records' writes: the
    /// maintainers that only count (``PendingCountLoading``) load into pending counts of their
    /// own, expanded there into the buckets they keep, and the maintainers that write sorted runs
    /// (``RunLoading``) build and sort them. This thread, the transaction's, writes the records,
    /// joins that work when they are written, then writes the runs and the counts (already in
    /// write order). A failure on either side fails the batch.
    private func loadIndexes(_ t: ResolvedType, _ batch: LoadBatch, after records: () throws -> Void) throws {
        let counting = t.maintainers.compactMap { $0 as? any PendingCountLoading }
        let sorting = t.maintainers.compactMap { $0 as? any RunLoading }
        guard !(counting.isEmpty && sorting.isEmpty), batch.ids.count >= Self.parallelLoadThreshold,
              ProcessInfo.processInfo.activeProcessorCount > 1 else {
            try records()
            for m in t.maintainers { try m.load(batch, in: self) }
            return
        }
        let work = BatchIndexWork(batch, counting: counting, sorting: sorting)
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) { work.run() }
        var failure: (any Error)? = nil
        do { try records() } catch { failure = error; work.cancel() }
        if failure == nil { work.run() }
        done.wait()
        if let failure { throw failure }
        try writeIndexes(t, batch, work)
    }

    /// Writes what `work` (done) built for `batch` into every index of `t`: the runs and the
    /// counts, and the load of a maintainer that neither counts nor writes runs (the only one
    /// that reads `batch` here; `nil` when there is none).
    private func writeIndexes(_ t: ResolvedType, _ batch: LoadBatch?, _ work: BatchIndexWork) throws {
        var next = 0
        for m in t.maintainers {
            if m is any PendingCountLoading { continue }
            if let m = m as? any RunLoading {
                try m.write(work.runs(next), in: self)
                next += 1
            } else {
                guard let batch else { preconditionFailure("a prepared batch keeps its entries when a maintainer reads them as it is written") }
                try m.load(batch, in: self)
            }
        }
        try work.writeCounts(into: write, databases: core.countDatabases)
    }

    /// `records` (of one type, unsealed) made ready for ``insertPrepared(_:)`` outside any
    /// transaction: sorted by id, encoded with their index entries as of `day`, and every index
    /// job that touches no database done, on every core. `nil` when two records share an id:
    /// the transaction's own path refuses that batch, as it refuses any other.
    static func prepare<R: StoredRecord>(_ records: [R], type t: ResolvedType, day: Int32) -> PreparedBatch? {
        let sorted = records.sorted { $0.id < $1.id }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.id == b.id { return nil }
        let encoded = encodeInParallel(sorted, formatVersion: t.schema.formatVersion, context: IndexContext(today: day))
        let load = LoadBatch(ids: sorted.map(\.id), entries: encoded.entries)
        let work = BatchIndexWork(load, counting: t.maintainers.compactMap { $0 as? any PendingCountLoading },
                                  sorting: t.maintainers.compactMap { $0 as? any RunLoading })
        work.runOnTwoThreads()
        // The jobs have read the entries; only a maintainer that neither counts nor writes runs
        // reads them again as the batch is written. Without one they go now, not with the batch.
        work.releaseBatch()
        let readAtWrite = t.maintainers.contains { !($0 is any PendingCountLoading) && !($0 is any RunLoading) }
        return PreparedBatch(type: t.schema.name, day: day, ids: load.ids, load: readAtWrite ? load : nil, bytes: encoded.bytes, work: work)
    }

    /// Batches smaller than this load their indexes on one thread: a thread hop costs more than it saves.
    static let parallelLoadThreshold = 2_000

    /// Encodes records and collects their index entries on all cores (chunks of the batch in
    /// parallel); results come back in the records' order.
    static func encodeInParallel<R: StoredRecord>(_ records: [R], formatVersion: UInt8,
                                                  context: IndexContext) -> (bytes: [[UInt8]], entries: [IndexEntries]) {
        let slots = EncodedSlots(records.count)
        let chunks = records.count < 2_000 ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let chunkSize = (records.count + chunks - 1) / max(chunks, 1)
        slots.bytes.withUnsafeMutableBufferPointer { bytes in
            slots.entries.withUnsafeMutableBufferPointer { entries in
                nonisolated(unsafe) let outBytes = bytes
                nonisolated(unsafe) let outEntries = entries
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    var writer = RecordWriter(formatVersion: formatVersion)
                    for i in (chunk * chunkSize)..<min(records.count, (chunk + 1) * chunkSize) {
                        writer.reset(formatVersion: formatVersion)
                        records[i].encode(to: &writer)
                        var e = IndexEntries()
                        records[i].indexEntries(&e, context: context)
                        outBytes[i] = writer.bytes
                        outEntries[i] = e
                    }
                }
            }
        }
        return (slots.bytes, slots.entries)
    }
}

extension WriteSession {
    /// Seals the encoded `bytes` of `records` (same order) under their scopes' `keys`, on every
    /// core; records without a scope stay as they are.
    static func sealInParallel<R: StoredRecord>(_ bytes: inout [[UInt8]], _ records: [R], keys: [String: SealingKey], type: String) throws {
        let chunks = records.count < 2_000 ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let chunkSize = (records.count + chunks - 1) / max(chunks, 1)
        let failure = Mutex<(any Error)?>(nil)
        bytes.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                do {
                    for i in (chunk * chunkSize)..<min(records.count, (chunk + 1) * chunkSize) {
                        guard let scope = records[i].sealingScope, let k = keys[scope] else { continue }
                        out[i] = try SealedRecord.seal(full: out[i], clear: records[i].withoutSealedFields().encoded(),
                                                       type: type, id: records[i].id, keyID: k.id, key: k.key)
                    }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// The work of loading a batch's indexes that touches no database, shared by the threads that
/// take it: one job per counting maintainer, which loads it into pending counts of its own
/// (expanded into the buckets it keeps), then one per run-loading maintainer, which builds and
/// sorts its runs. Each job is taken by one thread (an atomic counter) and writes only its own
/// slot; the slots are read after every thread is done.
final class BatchIndexWork: @unchecked Sendable {
    /// The batch, until ``releaseBatch()``.
    private var batch: LoadBatch?
    private let counting: [any PendingCountLoading]
    private let sorting: [any RunLoading]
    private let taken = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// Each counting maintainer's changes, in `counting`'s order.
    private let countSlots: [CountSlot]
    /// The runs of each run-loading maintainer, in `sorting`'s order: one slot object each, so
    /// no two threads write one value.
    private let slots: [RunSlot]
    /// The runs built for the `k`th run-loading maintainer (read after every thread is done).
    func runs(_ k: Int) -> [SortedRun] { slots[k].runs }

    init(_ batch: LoadBatch, counting: [any PendingCountLoading], sorting: [any RunLoading]) {
        self.batch = batch
        self.counting = counting
        self.sorting = sorting
        slots = sorting.map { _ in RunSlot() }
        countSlots = counting.map { _ in CountSlot() }
    }

    /// Takes and does jobs until none is left (or the batch failed).
    func run() {
        guard let batch else { return }
        while !stopped.load(ordering: .relaxed) {
            let job = taken.add(1, ordering: .relaxed).oldValue
            if job >= counting.count + sorting.count { return }
            if job < counting.count {
                var local = PendingCounts()
                counting[job].load(batch, into: &local)
                local.prepareFlush()
                countSlots[job].pending = local
            } else {
                slots[job - counting.count].runs = sorting[job - counting.count].runs(of: batch)
            }
        }
    }

    /// Does every job on this thread and one more, and returns when all are done.
    func runOnTwoThreads() {
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) { self.run() }
        run()
        done.wait()
    }

    /// Lets the batch's entries go once every job is done (their results are in the slots).
    func releaseBatch() { batch = nil }

    /// Leaves the jobs not yet taken (the batch failed).
    func cancel() { stopped.store(true, ordering: .relaxed) }

    /// Writes every counting maintainer's changes, already in write order, into the stored
    /// counts: what the session's own pending counts hold is added at its flush (additions
    /// commute), so no merge of the two is needed.
    func writeCounts(into write: borrowing WriteTransaction, databases: [UInt32: Database]) throws {
        for slot in countSlots {
            // A copy: the slot stays whole for a transaction run again.
            var pending = slot.pending
            try pending.flush(into: write, databases: databases)
        }
    }

    /// One maintainer's runs, written by the thread that took its job.
    final class RunSlot: @unchecked Sendable { var runs: [SortedRun] = [] }
    /// One counting maintainer's changes, written by the thread that took its job.
    final class CountSlot: @unchecked Sendable { var pending = PendingCounts() }
}

/// A batch of new records of one type made ready for its write transaction outside of it
/// (``WriteSession/prepare(_:type:day:)``), so that a bulk load prepares one batch while the
/// transaction of the one before it writes and commits: the transaction is left with the puts.
struct PreparedBatch: Sendable {
    /// The record type's name.
    let type: String
    /// The tenant's day the index entries were computed as of: a transaction on another day
    /// (the clock passed midnight, or the day was moved) prepares the batch again itself.
    let day: Int32
    /// The ids, in order.
    let ids: [RecordID]
    /// The ids with their index entries, kept only when a maintainer reads them as the batch
    /// is written (one that neither counts nor writes runs); the jobs have read them already.
    let load: LoadBatch?
    /// The encoded records, in the same order.
    let bytes: [[UInt8]]
    /// The index jobs, done.
    let work: BatchIndexWork
}

/// Result slots filled by parallel encoding; each slot is written by exactly one chunk.
final class EncodedSlots: @unchecked Sendable {
    var bytes: [[UInt8]]
    var entries: [IndexEntries]
    init(_ n: Int) { bytes = Array(repeating: [], count: n); entries = Array(repeating: IndexEntries(), count: n) }
}
