import LMDB

extension IndexDefinition.Kind {
    /// A group tuple, a day and a subgroup tuple → a count, bucketed by year, month and (unless
    /// the index keeps months only) day, so the count over any day range is at most five short
    /// key-range scans.
    ///
    /// ```swift
    /// static let perDay = IndexDefinition("per_day", kind: .datedCount, key: "(author) by (tag)")
    /// ```
    public static let datedCount = IndexDefinition.Kind(rawValue: "datedCount")
}

extension IndexQuestion {
    /// The total over any range of days for a group, by subgroup: entries minus exits up to a
    /// day make an as-of count. An index of months only hands the days of partial months back
    /// (`remainder:`).
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .countOverDays))   // [per_day (datedCount)]
    /// ```
    public static let countOverDays = IndexQuestion(
        "countOverDays", "the total over any day range for a group, by subgroup, in at most five short scans",
        readMethods: ["datedCount(_:group:subgroup:in:)", "datedCount(_:group:subgroup:in:remainder:)", "datedCounts(_:group:in:)",
                      "datedCounts(_:group:in:remainder:)", "datedCountsByCode(_:group:in:remainder:)",
                      "datedCountDifference(_:group:minus:subgroup:in:remainder:)"])
}

/// Keeps a dated count index: one LMDB database, `group, granularity (1 year, 2 month, 3 day),
/// period, subgroup` → a little-endian signed 64-bit count. A write adds each record's change
/// once per day to ``PendingCounts``; the flush expands it into the buckets the index keeps.
final class DatedCountIndex: PendingCountLoading, DatedCounting {
    static let kind = IndexDefinition.Kind.datedCount
    static let keepsPendingCounts = true
    static func keyLayout(for index: IndexDefinition) -> String {
        "group, bucket (year, month" + (index.finest == .day ? ", day" : "") + "), period, subgroup"
    }
    static func valueLayout(for index: IndexDefinition) -> String { "the count in that bucket (8-byte count; absent when 0)" }
    static func questions(for index: IndexDefinition) -> [IndexQuestion] { [.countOverDays] }

    let definition: IndexDefinition
    let recordType: String
    let scope: String
    let db: Database
    let keepsDays: Bool

    init(_ index: IndexDefinition, recordType: String, environment: Environment) throws {
        definition = index; self.recordType = recordType; scope = recordType + "." + index.name
        keepsDays = index.finest == .day
        db = try environment.openDatabase("i.\(recordType).\(index.name)")
    }

    var storage: [IndexStorage] {
        [IndexStorage(label: scope, database: db, describeValue: { String(FixedWidth.counter($0)) })]
    }

    @inline(__always)
    private func add(_ d: IndexEntries.Dated, _ delta: Int64, to pending: inout PendingCounts) {
        var key = d.group
        key.append(contentsOf: d.subgroup)
        // An index of months keeps no day bucket: every day of a month adds to the same keys.
        let day = keepsDays ? d.day : DayBuckets.monthStart(of: d.day)
        pending.days.add(PendingCounts.DayChange(db: db.dbi, day: day, split: Int32(d.group.count), keepsDays: keepsDays, key: key), delta)
    }

    func update(_ id: RecordID, old: IndexEntries, new: IndexEntries, in session: WriteSession) throws {
        let before = old.dated(of: entryID), after = new.dated(of: entryID)
        if before.elementsEqual(after, by: { $0.0 == $1.0 && $0.1 == $1.1 }) { return }
        for (d, v) in before { add(d, -v, to: &session.pending) }
        for (d, v) in after { add(d, v, to: &session.pending) }
    }

    func load(_ batch: LoadBatch, into pending: inout PendingCounts) {
        for ref in batch.datedRefs(of: entryID) {
            let (d, n) = batch.entries[Int(ref.record)].dated[Int(ref.value)]
            add(d, n, to: &pending)
        }
    }

    func total(group: [UInt8], subgroup: [UInt8], in range: DayRange, remainder: inout [DayRange], _ read: IndexRead) throws -> Int64 {
        var total: Int64 = 0
        try scan(group: group, in: range, remainder: &remainder, read) { sub, n in if sub.equals(subgroup) { total += n } }
        return total
    }

    func difference(group: KeyBytes, minus other: KeyBytes, subgroup: KeyBytes, in range: DayRange, remainder: inout [DayRange],
                    _ read: IndexRead) throws -> Int64 {
        // Both series have the same buckets: the days left over are those of one.
        var ignored: [DayRange] = []
        let sub = subgroup.array
        return try total(group: group.array, subgroup: sub, in: range, remainder: &remainder, read)
            - total(group: other.array, subgroup: sub, in: range, remainder: &ignored, read)
    }

    func totals(group: [UInt8], in range: DayRange, remainder: inout [DayRange], _ read: IndexRead,
                _ body: (UnsafeRawBufferPointer, Int64) -> Void) throws {
        try scan(group: group, in: range, remainder: &remainder, read, body)
    }

    /// Visits the buckets of `group` covering `range` with the subgroup bytes of each and its
    /// count; days an index of months only cannot answer are appended to `remainder`.
    func scan(group: [UInt8], in range: DayRange, remainder: inout [DayRange], _ read: IndexRead,
              _ body: (UnsafeRawBufferPointer, Int64) -> Void) throws {
        guard !range.isEmpty else { return }
        let cursor = try read.txn.cursor(db)
        for piece in DayBuckets.pieces(start: max(range.start.rawValue, DayBuckets.epoch), end: range.end.rawValue) {
            if !keepsDays && piece.granularity == DayBuckets.day {
                remainder.append(DayRange(Day(rawValue: Int32(piece.first)), Day(rawValue: Int32(piece.last + 1))))
                continue
            }
            var lowerKey = KeyEncoder(prefix: group)
            lowerKey.append(piece.granularity); lowerKey.append(piece.first)
            var upperKey = KeyEncoder(prefix: group)
            upperKey.append(piece.granularity); upperKey.append(piece.last + 1)
            let upper = upperKey.bytes
            var entry = try cursor.seek(atLeast: lowerKey.bytes)
            let base = group.count
            while let e = entry, e.key.compare(upper) < 0 {
                // Skip the granularity (one small integer: 2 bytes) and the period (an integer
                // whose type byte gives its length) to reach the subgroup.
                guard e.key.count >= base + 3 else { throw HosoError.corruptKey("dated count key shorter than its bucket") }
                let periodType = Int(e.key[base + 2])
                let subStart = base + 3 + abs(periodType - 0x14)
                guard subStart <= e.key.count else { throw HosoError.corruptKey("dated count key cut inside its period") }
                body(UnsafeRawBufferPointer(rebasing: e.key[subStart...]), FixedWidth.counter(e.value))
                entry = try cursor.next()
            }
        }
    }
}

extension PendingCounts {
    /// Expands per-day changes into their day, month and year bucket keys (months and years
    /// only for an index of months).
    mutating func expandDays() {
        guard !days.isEmpty else { return }
        counts.reserveCapacity(counts.count + days.count * 2)
        for (d, delta) in zip(days.keys, days.sums) where delta != 0 {
            d.key.withBytes { raw in
                let group = UnsafeRawBufferPointer(rebasing: raw[..<Int(d.split)])
                let subgroup = UnsafeRawBufferPointer(rebasing: raw[Int(d.split)...])
                let periods = DayBuckets.periods(of: d.day)
                func add(_ granularity: Int64, _ period: Int64) {
                    var key = KeyBytes(bytes: group)
                    key.append(granularity); key.append(period); key.appendRaw(subgroup)
                    counts.add(Count(db: d.db, key: key), delta)
                }
                add(DayBuckets.year, periods.year)
                add(DayBuckets.month, periods.month)
                if d.keepsDays { add(DayBuckets.day, periods.day) }
            }
        }
        days.removeAll()
    }
}
