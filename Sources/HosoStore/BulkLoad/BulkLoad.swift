import Foundation

/// Progress of a bulk load, reported after each batch commits.
public struct BulkLoadProgress: Sendable, Hashable {
    /// Records committed so far.
    public var recordsLoaded: Int
    /// Batches committed so far.
    public var batchesCommitted: Int
    /// Seconds since the load started.
    public var elapsedSeconds: Double
    /// Records per second so far.
    public var recordsPerSecond: Double { elapsedSeconds > 0 ? Double(recordsLoaded) / elapsedSeconds : 0 }
}

extension Tenant {
    /// Loads new records in large batches, one write transaction each, appending in id order
    /// where the ids allow it. Each batch lands whole or not at all; on an error the batches
    /// before it stay loaded and the error says which batch failed.
    ///
    /// With more than one core, a batch is written and committed on a thread of its own while
    /// the next one is taken from `records` and prepared (sorted, encoded, its index runs and
    /// counts built), so a load holds two batches at a time. `progress` (and, for the variant
    /// that takes them, `conflicts`) still run on the calling thread, once per committed batch,
    /// in order; they come after the next batch's records were taken.
    ///
    /// ```swift
    /// let log = (10..<1_010).map { i in
    ///     Note(id: RecordID(i), author: "bot", tag: "log", slug: "log-\(i)", written: Day(year: 2025, month: 7, day: 1)!)
    /// }
    /// let summary = try tenant.bulkLoad(log, batchSize: 400) { p in
    ///     print("\(p.recordsLoaded) records, \(Int(p.recordsPerSecond))/s")
    /// }
    /// print(summary.recordsLoaded, summary.batchesCommitted)   // 1000 3
    /// ```
    @discardableResult
    public func bulkLoad<S: Sequence>(_ records: S, batchSize: Int = 50_000,
                                      progress: ((BulkLoadProgress) -> Void)? = nil) throws -> BulkLoadProgress
    where S.Element: StoredRecord {
        var iterator = records.makeIterator()
        return try bulkLoad(S.Element.self, batchSize: batchSize, progress: progress) { iterator.next() }
    }

    /// Loads the records `next` produces until it returns `nil`, like
    /// ``bulkLoad(_:batchSize:progress:)``; an error thrown by `next` (a record that failed
    /// validation) stops the load like a failed batch: the records of the unfinished batch are
    /// not written, and the batch being written when it came is committed first (or reported
    /// instead, if it fails). `next` is called on the calling thread while the batch before
    /// is written: what it does must not count on that batch being committed yet (keep what
    /// the records of a batch need, such as their input lines, until `progress` reports it).
    ///
    /// With `conflicts`, a record that the store refuses when its batch is written (its id
    /// exists, or a unique key is held: typically a concurrent load of the same file got there
    /// first) does not fail the batch: it is handed to `conflicts` with the reason, after the
    /// batch commits, and the batch's other records load.
    ///
    /// ```swift
    /// let incoming = [Note(id: 10, author: "ben", tag: "idea", slug: "welcome", written: Day(year: 2025, month: 7, day: 20)!),
    ///                 Note(id: 11, author: "ben", tag: "idea", slug: "fresh", written: Day(year: 2025, month: 7, day: 20)!)]
    /// var rows = incoming.makeIterator()
    /// var refused: [String] = []
    /// let loaded = try tenant.bulkLoad(Note.self, conflicts: { note, _ in refused.append(note.slug) }) { rows.next() }
    /// print(loaded.recordsLoaded, refused)   // 1 ["welcome"]
    /// ```
    @discardableResult
    public func bulkLoad<R: StoredRecord>(_ type: R.Type, batchSize: Int = 50_000, progress: ((BulkLoadProgress) -> Void)? = nil,
                                          conflicts: ((R, HosoError) -> Void)? = nil,
                                          next: () throws -> R?) throws -> BulkLoadProgress {
        precondition(batchSize > 0, "batchSize must be positive")
        let started = Date()
        var state = BulkLoadProgress(recordsLoaded: 0, batchesCommitted: 0, elapsedSeconds: 0)
        // With more than one core, a batch is prepared (sorted, encoded, its index runs and
        // counts built) while the batch before it is written and committed on another thread.
        let pipelined = ProcessInfo.processInfo.activeProcessorCount > 1
        let writer = DispatchQueue(label: "hoso.bulk-load.writer")
        let hasConflicts = conflicts != nil
        var batch: [R] = []
        batch.reserveCapacity(batchSize)
        /// The batch handed to the writer and not yet joined.
        var inFlight: (records: [R], outcome: BatchOutcome<R>, done: DispatchGroup)? = nil

        func fail(_ error: any Error, _ records: [R]) -> any Error {
            guard let error = HosoError.wrap(error) as? HosoError else { return error }
            return BulkLoadError(batch: state.batchesCommitted + 1, firstID: records.map(\.id).min() ?? 0,
                                 lastID: records.map(\.id).max() ?? 0, recordsLoaded: state.recordsLoaded, underlying: error)
        }
        // Waits for the batch in flight; reports its refusals and progress, or throws its error.
        func join() throws {
            guard let flight = inFlight else { return }
            inFlight = nil
            flight.done.wait()
            switch flight.outcome.result {
            case .success(let refused):
                for (record, reason) in refused { conflicts?(record, reason) }
                state.recordsLoaded += flight.records.count - refused.count
                state.batchesCommitted += 1
                state.elapsedSeconds = Date().timeIntervalSince(started)
                progress?(state)
            case .failure(let error):
                throw fail(error, flight.records)
            case nil:
                preconditionFailure("a joined batch has an outcome")
            }
        }
        // Hands the collected batch to the writer, once the one before it is joined.
        func submit() throws {
            guard !batch.isEmpty else { return }
            let records = batch
            batch = []
            batch.reserveCapacity(batchSize)
            let prepared = pipelined ? prepareBatch(records) : nil
            try join()
            let outcome = BatchOutcome<R>(), done = DispatchGroup()
            inFlight = (records, outcome, done)
            if pipelined {
                writer.async(group: done) { outcome.result = Result { try self.writeBatch(records, prepared, setAsideConflicts: hasConflicts) } }
            } else {
                outcome.result = Result { try writeBatch(records, nil, setAsideConflicts: hasConflicts) }
                try join()
            }
        }
        while true {
            let record: R?
            do { record = try next() } catch {
                try join()
                throw fail(error, batch)
            }
            guard let record else { break }
            batch.append(record)
            if batch.count >= batchSize { try submit() }
        }
        try submit()
        try join()
        return state
    }

    /// Writes `records` as one batch in a write transaction of its own (as `prepared` when it
    /// still holds). With `setAsideConflicts`, the records the store refuses (an id that
    /// exists, a unique key held) are returned instead of failing the batch, and the others
    /// are written, in one transaction too.
    private func writeBatch<R: StoredRecord>(_ records: [R], _ prepared: PreparedBatch?, setAsideConflicts: Bool) throws -> [(R, HosoError)] {
        do {
            try write { try $0.insertBatch(records, prepared: prepared) }
            return []
        } catch let error as HosoError where setAsideConflicts && error.isConflict {
            // Set aside what the store refuses now, inside the same transaction that loads the rest.
            return try write { w in
                let (kept, refused) = try w.partitionConflicts(records)
                try w.insertBatch(kept)
                return refused
            }
        }
    }

    /// `records` made ready for their write outside any transaction (see ``PreparedBatch``),
    /// or `nil` where that does not pay or does not apply: a small batch, records the tenant
    /// seals, a failed read (the transaction's own path then meets it).
    private func prepareBatch<R: StoredRecord>(_ records: [R]) -> PreparedBatch? {
        guard records.count >= WriteSession.parallelLoadThreshold, let t = try? core.type(R.schema.name) else { return nil }
        let now = core.today.rawValue
        let found = try? core.environment.read { txn -> (day: Int32, sealed: Bool) in
            let stored = try txn.get(core.meta, key: MetaKeys.today).map { Int32(FixedWidth.counter($0)) } ?? now
            return (max(stored, now), try KeyVault.state(in: txn, meta: core.meta) != nil)
        }
        guard let found, !(found.sealed && records[0].sealingScope != nil) else { return nil }
        return WriteSession.prepare(records, type: t, day: found.day)
    }
}

/// What the writer of a bulk load's batch came to: the records it set aside, or its error.
/// Written by the writer before it leaves the batch's group, read after the group is waited on.
private final class BatchOutcome<R: StoredRecord>: @unchecked Sendable {
    var result: Result<[(R, HosoError)], any Error>?
}

/// A bulk load stopped at a batch; the batches before it are loaded, nothing of it is.
public struct BulkLoadError: Error, Sendable, CustomStringConvertible {
    /// The failed batch, from 1.
    public var batch: Int
    /// The id range of the failed batch.
    public var firstID: RecordID, lastID: RecordID
    /// Records loaded before it.
    public var recordsLoaded: Int
    /// What went wrong.
    public var underlying: HosoError

    public var description: String {
        "bulk load stopped at batch \(batch) (ids \(firstID)…\(lastID)), nothing of which was written; \(recordsLoaded) records of earlier batches are loaded. Cause: \(underlying)"
    }
}
