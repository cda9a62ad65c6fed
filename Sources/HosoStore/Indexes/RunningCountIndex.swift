import LMDB

extension IndexDefinition.Kind {
    /// A group tuple, a day and a subgroup tuple → a count, kept as running totals read
    /// subgroup by subgroup: the total of any day range for one subgroup is six key reads
    /// whatever the history's length, so an as-of count ("entries minus exits up to day D")
    /// costs the same for a tenant of one year as for one of forty. A change on a past day
    /// rewrites at most the later year keys of its subgroup, eleven month keys and thirty day
    /// keys.
    ///
    /// Use it where a group has few subgroups (statuses) and the questions are as-of counts;
    /// ``datedCount`` suits subgroups by the thousand (event ids).
    ///
    /// ```swift
    /// static let perDayRunning = IndexDefinition("per_day_running", kind: .runningCount, key: "(author) by (tag)")
    /// ```
    public static let runningCount = IndexDefinition.Kind(rawValue: "runningCount")
}

/// Keeps a running count index: one LMDB database, `group, subgroup, level, point` → a
/// little-endian signed 64-bit total, where the levels are prefix sums of the counts before a
/// point:
///
/// - level 1, point a year `y`: the total of every day before 1 January of `y`;
/// - level 2, point a month index `y * 12 + m - 1`: the total of the days of year `y` before
///   that month;
/// - level 3, point a day: the total of the days of its month before it (not kept by an index
///   of months only).
///
/// Each level is a step function stored only where it changes (a key differs from the key
/// before it in its year or month, or from 0), so the total of the days before day `t` is
/// three "greatest key at or before" reads — year, month, day — and a range `[a, b)` is the
/// difference of two of those. Keys are canonical: a rebuild writes exactly what incremental
/// writes leave. A write adds each record's change once per day to ``PendingCounts``; the
/// flush rewrites the points after each changed day, level by level.
final class RunningCountIndex: PendingCountLoading, DatedCounting {
    static let kind = IndexDefinition.Kind.runningCount
    static let keepsPendingCounts = true
    /// 2: the running layout replaced the bucket layout of ``DatedCountIndex`` for the indexes
    /// that now declare this kind; an index built by an older version is rebuilt on open.
    static let formatVersion: UInt8 = 2
    static func keyLayout(for index: IndexDefinition) -> String {
        "group, subgroup, level (1 year: total before the year; 2 month: total of the year before the month"
            + (index.finest == .day ? "; 3 day: total of the month before the day" : "") + "), point; kept where the total changes"
    }
    static func valueLayout(for index: IndexDefinition) -> String { "the running total at that point (8-byte count)" }
    static func questions(for index: IndexDefinition) -> [IndexQuestion] { [.countOverDays] }

    static let yearLevel: Int64 = 1, monthLevel: Int64 = 2, dayLevel: Int64 = 3

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

    // MARK: Writes

    @inline(__always)
    private func add(_ d: IndexEntries.Dated, _ delta: Int64, to pending: inout PendingCounts) {
        // No question counts a day before the epoch (ranges start there at the earliest), so
        // they are not kept and the total before the epoch is 0: an as-of count reads only its day.
        guard d.day >= DayBuckets.epoch else { return }
        var key = d.group
        key.append(contentsOf: d.subgroup)
        pending.running.add(PendingCounts.RunningChange(db: db.dbi, day: d.day, keepsDays: keepsDays, series: key), delta)
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

    // MARK: Reads

    /// The first day read (earlier days count as "the beginning of time", as in
    /// ``DayBuckets/epoch``) and the first day past the last one read.
    static let firstDay = Int64(DayBuckets.epoch), pastLastDay = DayBuckets.firstOfYear(10_000)

    /// The total of one subgroup over `range`; days an index of months only cannot answer
    /// (partial months at either end) are appended to `remainder`.
    func total(group: [UInt8], subgroup: [UInt8], in range: DayRange, remainder: inout [DayRange], _ read: IndexRead) throws -> Int64 {
        let cursor = try read.txn.cursor(db)
        let bounds = Self.bounds(range, keepsDays: keepsDays)
        remainder.append(contentsOf: bounds.remainder)
        guard let (a, b) = bounds.points else { return 0 }
        // One buffer holds the series and each key read after it.
        var buffer = KeyBytes(bytes: group)
        subgroup.withUnsafeBytes { buffer.appendRaw($0) }
        return try seriesTotal(&buffer, from: a, to: b, cursor)
    }

    /// The total of `subgroup` under `group` over `range` minus the same under `other`: both
    /// series read with one cursor and one key buffer (an as-of count, entries minus exits,
    /// asked many times a second).
    func difference(group: KeyBytes, minus other: KeyBytes, subgroup: KeyBytes, in range: DayRange, remainder: inout [DayRange],
                    _ read: IndexRead) throws -> Int64 {
        let bounds = Self.bounds(range, keepsDays: keepsDays)
        if !bounds.remainder.isEmpty { remainder.append(contentsOf: bounds.remainder) }
        guard let (a, b) = bounds.points else { return 0 }
        let cursor = try read.txn.cursor(db)
        // The key buffer lives inline (KeyBytes): no allocation for the reads.
        var buffer = group
        buffer.append(contentsOf: subgroup)
        let n = try seriesTotal(&buffer, from: a, to: b, cursor)
        buffer = other
        buffer.append(contentsOf: subgroup)
        return try n - seriesTotal(&buffer, from: a, to: b, cursor)
    }

    /// The total over the points `[a, b)` of the series that fills `buffer`: the total before
    /// `b` minus the total before `a`, the keys of both built after the series in the buffer.
    @inline(__always)
    private func seriesTotal(_ buffer: inout KeyBytes, from a: Int64, to b: Int64, _ cursor: borrowing Cursor) throws -> Int64 {
        let length = buffer.count
        return try before(b, length, &buffer, cursor) - (a == Self.firstDay ? 0 : before(a, length, &buffer, cursor))
    }

    /// The total of the series in the first `seriesLength` bytes of `buffer` over every day
    /// before `t`: three "greatest key at or before" reads, with keys built in the buffer.
    @inline(__always)
    private func before(_ t: Int64, _ seriesLength: Int, _ buffer: inout KeyBytes, _ cursor: borrowing Cursor) throws -> Int64 {
        let c = Day(rawValue: Int32(t)).civil
        let month = Int64(c.year * 12 + c.month - 1)
        var total = try Self.step(at: Int64(c.year), from: .min, level: Self.yearLevel, seriesLength, &buffer, cursor)
        if c.month != 1 { total += try Self.step(at: month, from: Int64(c.year * 12), level: Self.monthLevel, seriesLength, &buffer, cursor) }
        if keepsDays && c.day != 1 {
            total += try Self.step(at: t, from: DayBuckets.monthIndexStart(Int(month)), level: Self.dayLevel, seriesLength, &buffer, cursor)
        }
        return total
    }

    /// ``step(at:from:level:_:_:)`` building its keys in a buffer that starts with the series
    /// (`seriesLength` bytes): inline, no allocation per read.
    @inline(__always)
    static func step(at point: Int64, from lo: Int64, level: Int64, _ seriesLength: Int, _ buffer: inout KeyBytes,
                     _ cursor: borrowing Cursor) throws -> Int64 {
        buffer.truncate(to: seriesLength)
        buffer.append(level); buffer.append(point + 1)
        let found = try buffer.withBytes { try cursor.seek(atLeast: $0) } != nil
        guard let e = found ? try cursor.previous() : try cursor.last() else { return 0 }
        buffer.truncate(to: seriesLength)
        buffer.append(level); buffer.append(lo)
        // A key in [lower, key(point + 1)) has the series and the level of both bounds.
        guard buffer.withBytes({ $0.compareBytes(e.key) }) <= 0 else { return 0 }
        return FixedWidth.counter(e.value)
    }

    /// Visits the subgroups of `group` with their totals over `range` (see ``total(group:subgroup:in:remainder:_:)``).
    func totals(group: [UInt8], in range: DayRange, remainder: inout [DayRange], _ read: IndexRead,
                _ body: (UnsafeRawBufferPointer, Int64) -> Void) throws {
        let cursor = try read.txn.cursor(db)
        let bounds = Self.bounds(range, keepsDays: keepsDays)
        remainder.append(contentsOf: bounds.remainder)
        var entry = try cursor.seek(atLeast: group)
        while let e = entry, e.key.count >= group.count, UnsafeRawBufferPointer(rebasing: e.key[..<group.count]).equals(group) {
            let seriesLength = try Self.seriesLength(of: e.key)
            let series = Array(e.key[..<seriesLength])
            if let (a, b) = bounds.points {
                var none: [DayRange] = []
                let n = try total(series: series, from: a, to: b, remainder: &none, cursor)
                if n != 0 { series.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[group.count...]), n) } }
            }
            entry = try cursor.seek(atLeast: series + [0xFF])
        }
    }

    private func total(series: [UInt8], in range: DayRange, remainder: inout [DayRange], _ cursor: borrowing Cursor) throws -> Int64 {
        let bounds = Self.bounds(range, keepsDays: keepsDays)
        remainder.append(contentsOf: bounds.remainder)
        guard let (a, b) = bounds.points else { return 0 }
        return try total(series: series, from: a, to: b, remainder: &remainder, cursor)
    }

    private func total(series: [UInt8], from a: Int64, to b: Int64, remainder: inout [DayRange], _ cursor: borrowing Cursor) throws -> Int64 {
        var buffer = KeyBytes(bytes: series)   // one key buffer for the reads
        return try seriesTotal(&buffer, from: a, to: b, cursor)
    }

    /// The points `[a, b)` a range is answered between and the days left to the caller.
    static func bounds(_ range: DayRange, keepsDays: Bool) -> (points: (Int64, Int64)?, remainder: [DayRange]) {
        let a = max(Int64(range.start.rawValue), firstDay), b = min(Int64(range.end.rawValue), pastLastDay)
        guard a < b else { return (nil, []) }
        if keepsDays { return ((a, b), []) }
        let ca = Day(rawValue: Int32(a)).civil
        let first = ca.day == 1 ? a : DayBuckets.monthIndexStart(ca.year * 12 + ca.month)
        let cb = Day(rawValue: Int32(b)).civil
        let last = DayBuckets.monthIndexStart(cb.year * 12 + cb.month - 1)
        func days(_ x: Int64, _ y: Int64) -> DayRange { DayRange(Day(rawValue: Int32(x)), Day(rawValue: Int32(y))) }
        // Inside one month: all of it is left; otherwise the partial months at either end.
        if first > last { return (nil, [days(a, b)]) }
        var rest: [DayRange] = []
        if a < first { rest.append(days(a, first)) }
        if last < b { rest.append(days(last, b)) }
        return (first < last ? (first, last) : nil, rest)
    }

    static func key(_ series: [UInt8], _ level: Int64, _ point: Int64) -> [UInt8] {
        var k = KeyEncoder(prefix: series)
        k.append(level); k.append(point)
        return k.bytes
    }

    /// The value of the greatest key of `series` and `level` with a point in `[lo, at]`, or 0.
    static func step(at point: Int64, from lo: Int64, level: Int64, _ series: [UInt8], _ cursor: borrowing Cursor) throws -> Int64 {
        var buffer = KeyBytes(bytes: series)
        return try step(at: point, from: lo, level: level, series.count, &buffer, cursor)
    }

    /// Where the subgroup of a key ends: its last two elements are the level and the point.
    static func seriesLength(of key: UnsafeRawBufferPointer) throws -> Int {
        var d = KeyDecoder(key)
        var offsets: [Int] = []
        while !d.isAtEnd { offsets.append(d.offset); _ = try d.next() }
        guard offsets.count >= 2 else { throw HosoError.corruptKey("running count key without its level and point") }
        return offsets[offsets.count - 2]
    }
}

/// The two dated count layouts as the reader asks them.
protocol DatedCounting: IndexMaintainer {
    /// The total of one subgroup of `group` over `range`.
    func total(group: [UInt8], subgroup: [UInt8], in range: DayRange, remainder: inout [DayRange], _ read: IndexRead) throws -> Int64
    /// The total of `subgroup` under `group` over `range` minus the same under `other`.
    func difference(group: KeyBytes, minus other: KeyBytes, subgroup: KeyBytes, in range: DayRange, remainder: inout [DayRange],
                    _ read: IndexRead) throws -> Int64
    /// Visits subgroups of `group` with counts over `range` (a subgroup may come more than once: add them up).
    func totals(group: [UInt8], in range: DayRange, remainder: inout [DayRange], _ read: IndexRead,
                _ body: (UnsafeRawBufferPointer, Int64) -> Void) throws
}

extension PendingCounts {
    /// A running-count change on one day of one series (group then subgroup bytes).
    struct RunningChange: SumKey {
        let db: UInt32
        let day: Int32
        let keepsDays: Bool
        let series: KeyBytes

        var hashWord: UInt64 { series.mixedWord ^ (UInt64(db) << 40 ^ UInt64(UInt32(bitPattern: day))) &* 0xFF51_AFD7_ED55_8CCD }
    }

    /// Writes the running-count changes: per series, the later points of each level touched.
    mutating func flushRunning(into write: borrowing WriteTransaction, databases: [UInt32: Database]) throws {
        guard !running.isEmpty else { return }
        let changes = running.nonZero()
        running.removeAll()
        let order = KeyOrder.sorted(changes.count, db: { changes[$0].0.db }, key: { changes[$0].0.series })
        var start = 0
        while start < order.count {
            let first = changes[order[start]].0
            var stop = start
            while stop < order.count, changes[order[stop]].0.db == first.db, changes[order[stop]].0.series == first.series { stop += 1 }
            let cursor = try write.cursor(databases[first.db]!)
            let series = first.series.array
            var days: [(Int64, Int64)] = order[start..<stop].map { (Int64(changes[$0].0.day), changes[$0].1) }
            days.sort { $0.0 < $1.0 }
            try Self.apply(days, series: series, keepsDays: first.keepsDays, cursor)
            start = stop
        }
    }

    /// Applies day changes `(day, delta)`, sorted by day, to one series.
    static func apply(_ days: [(Int64, Int64)], series: [UInt8], keepsDays: Bool, _ cursor: borrowing Cursor) throws {
        typealias R = RunningCountIndex
        var years: [(Int64, Int64)] = []
        var months: [Int64: [(Int64, Int64)]] = [:]   // by year
        var dayChanges: [Int64: [(Int64, Int64)]] = [:]   // by month index
        for (day, delta) in days {
            let c = Day(rawValue: Int32(day)).civil
            let y = Int64(c.year), m = Int64(c.year * 12 + c.month - 1)
            if let last = years.last, last.0 == y + 1 { years[years.count - 1].1 += delta } else { years.append((y + 1, delta)) }
            if c.month != 12 { months[y, default: []].append((m + 1, delta)) }
            if keepsDays, day + 1 < DayBuckets.monthIndexStart(Int(m) + 1) { dayChanges[m, default: []].append((day + 1, delta)) }
        }
        try applyLevel(years, level: R.yearLevel, lo: .min, hi: .max, series: series, cursor)
        for (y, changes) in months {
            try applyLevel(changes, level: R.monthLevel, lo: y * 12, hi: y * 12 + 11, series: series, cursor)
        }
        for (m, changes) in dayChanges {
            try applyLevel(changes, level: R.dayLevel, lo: DayBuckets.monthIndexStart(Int(m)),
                           hi: DayBuckets.monthIndexStart(Int(m) + 1) - 1, series: series, cursor)
        }
    }

    /// Adds each `delta` to the step function of one level at its point and every point after
    /// it up to `hi` (changes sorted by point, all in `[lo, hi]`), keeping keys only where the
    /// function changes.
    static func applyLevel(_ changes: [(Int64, Int64)], level: Int64, lo: Int64, hi: Int64, series: [UInt8], _ cursor: borrowing Cursor) throws {
        guard let p1 = changes.first?.0 else { return }
        typealias R = RunningCountIndex
        // The value just before the first changed point (0 when no key of the level lies in [lo, p1)).
        let base = p1 == .min ? 0 : try R.step(at: p1 - 1, from: lo, level: level, series, cursor)
        // Existing keys in [p1, hi].
        var existing: [(Int64, Int64)] = []
        let prefix = series.count
        var entry = try cursor.seek(atLeast: R.key(series, level, p1))
        let upper = hi == .max ? R.key(series, level + 1, .min) : R.key(series, level, hi + 1)
        while let e = entry, e.key.compare(upper) < 0 {
            var d = KeyDecoder(UnsafeRawBufferPointer(rebasing: e.key[prefix...]))
            _ = try d.next()
            guard case .int(let point) = try d.next() else { throw HosoError.corruptKey("running count key without its point") }
            existing.append((point, FixedWidth.counter(e.value)))
            entry = try cursor.next()
        }
        var i = 0, j = 0
        var old = base, added: Int64 = 0, previous = base
        var writes: [(Int64, Int64?, Bool)] = []   // point, new value (nil: delete), existed
        while i < existing.count || j < changes.count {
            let t = min(i < existing.count ? existing[i].0 : .max, j < changes.count ? changes[j].0 : .max)
            var had: Int64? = nil
            if i < existing.count, existing[i].0 == t { old = existing[i].1; had = old; i += 1 }
            while j < changes.count, changes[j].0 == t { added += changes[j].1; j += 1 }
            let value = old + added
            let keep = value != previous
            previous = value
            if keep { if had != value { writes.append((t, value, had != nil)) } }
            else if had != nil { writes.append((t, nil, true)) }
        }
        for (t, value, existed) in writes {
            let k = R.key(series, level, t)
            if let value {
                try FixedWidth.counterBytes(value).withUnsafeBytes { v in
                    try k.withUnsafeBytes { key in _ = try cursor.put(key: key, value: v) }
                }
            } else if existed {
                if try cursor.seek(exactly: k) != nil { try cursor.deleteCurrent() }
            }
        }
    }
}
