import LMDB

/// The count changes a write transaction accumulates for count and dated count indexes (atomic
/// adds, as FoundationDB's count indexes do), written at flush time: each count key is read and
/// written once per flush however many records touched it, in key order through one cursor per
/// database. A write flushes when it finishes and before any read of a counting index
/// (``ReadScope/open(_:)``).
struct PendingCounts {
    struct Count: SumKey {
        let db: UInt32
        let key: KeyBytes

        var hashWord: UInt64 { key.mixedWord ^ UInt64(db) &* 0xFF51_AFD7_ED55_8CCD }
    }

    /// A dated-count change on one day: `key` holds the group then the subgroup bytes;
    /// ``expandDays()`` turns it into the buckets the index keeps.
    struct DayChange: SumKey {
        let db: UInt32
        let day: Int32
        let split: Int32
        let keepsDays: Bool
        let key: KeyBytes

        var hashWord: UInt64 {
            key.mixedWord ^ (UInt64(db) << 40 ^ UInt64(UInt32(bitPattern: day)) ^ UInt64(UInt32(bitPattern: split)) << 20) &* 0xFF51_AFD7_ED55_8CCD
        }
    }

    var counts = SumTable<Count>()
    /// Dated-count changes per day, expanded into day, month and year buckets at flush time, so
    /// each record costs one table update per dated entry.
    var days = SumTable<DayChange>()

    /// Running-count changes per day and series, written at flush time (``flushRunning(into:databases:)``).
    var running = SumTable<RunningChange>()

    /// Count changes already in write order (``prepareFlush()``), written before `counts`.
    var presorted: [(Count, Int64)] = []

    var isEmpty: Bool { counts.isEmpty && days.isEmpty && running.isEmpty && presorted.isEmpty }

    /// Expands the dated changes and puts the count changes into write order, so that a flush
    /// is left with the writes only: done off the transaction's thread for a bulk batch.
    mutating func prepareFlush() {
        expandDays()
        presorted += Self.writeOrder(&counts)
    }

    /// The nonzero changes of `counts` in write order (database, then key); `counts` is emptied.
    private static func writeOrder(_ counts: inout SumTable<Count>) -> [(Count, Int64)] {
        let entries = counts.nonZero()
        counts.removeAll()
        let order = KeyOrder.sorted(entries.count, db: { entries[$0].0.db }, key: { entries[$0].0.key })
        return order.map { entries[$0] }
    }

    @inline(__always)
    mutating func add(_ db: UInt32, _ key: KeyBytes, _ delta: Int64) {
        counts.add(Count(db: db, key: key), delta)
    }

    /// Writes the accumulated changes into the count databases `databases` (by handle); a
    /// count that reaches zero is deleted.
    mutating func flush(into write: borrowing WriteTransaction, databases: [UInt32: Database]) throws {
        try flushRunning(into: write, databases: databases)
        expandDays()
        if !presorted.isEmpty {
            try Self.write(presorted, into: write, databases: databases)
            presorted = []
        }
        guard !counts.isEmpty else { return }
        try Self.write(Self.writeOrder(&counts), into: write, databases: databases)
    }

    /// Adds count changes given in write order to the stored counts; a count that reaches zero is deleted.
    private static func write(_ entries: [(Count, Int64)], into write: borrowing WriteTransaction, databases: [UInt32: Database]) throws {
        let order = entries.indices
        var start = 0
        while start < order.count {
            let dbi = entries[order[start]].0.db
            var stop = start
            while stop < order.count && entries[order[stop]].0.db == dbi { stop += 1 }
            let cursor = try write.cursor(databases[dbi]!)
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
}
