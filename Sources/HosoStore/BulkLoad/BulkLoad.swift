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
    /// not written.
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
        var batch: [R] = []
        batch.reserveCapacity(batchSize)
        func fail(_ error: any Error) -> any Error {
            guard let error = HosoError.wrap(error) as? HosoError else { return error }
            return BulkLoadError(batch: state.batchesCommitted + 1, firstID: batch.map(\.id).min() ?? 0,
                                 lastID: batch.map(\.id).max() ?? 0, recordsLoaded: state.recordsLoaded, underlying: error)
        }
        func commit() throws {
            guard !batch.isEmpty else { return }
            var refused: [(R, HosoError)] = []
            do {
                try write { try $0.insertBatch(batch) }
            } catch let error as HosoError where conflicts != nil && error.isConflict {
                // Set aside what the store refuses now, inside the same transaction that loads the rest.
                do {
                    try write { w in
                        let (kept, out) = try w.partitionConflicts(batch)
                        refused = out
                        try w.insertBatch(kept)
                    }
                } catch { throw fail(error) }
            } catch { throw fail(error) }
            for (record, reason) in refused { conflicts?(record, reason) }
            state.recordsLoaded += batch.count - refused.count
            state.batchesCommitted += 1
            state.elapsedSeconds = Date().timeIntervalSince(started)
            batch.removeAll(keepingCapacity: true)
            progress?(state)
        }
        while true {
            let record: R?
            do { record = try next() } catch { throw fail(error) }
            guard let record else { break }
            batch.append(record)
            if batch.count >= batchSize { try commit() }
        }
        try commit()
        return state
    }
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
