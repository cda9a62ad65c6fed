import LMDB

extension IndexDefinition.Kind {
    /// A group tuple → intervals `[start, end)` of days per record, stored sorted by start and
    /// by end, for "on day D" and "started/ended during P" questions.
    ///
    /// ```swift
    /// static let openSpans = IndexDefinition("open", kind: .interval, key: "(author)")
    /// ```
    public static let interval = IndexDefinition.Kind(rawValue: "interval")
}

extension IndexQuestion {
    /// The records whose interval contains a day ("which notes were open on day D").
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .intervalsOnDay))   // [open (interval)]
    /// ```
    public static let intervalsOnDay = IndexQuestion(
        "intervalsOnDay", "the records whose interval contains a day, work bounded by the smaller of starts and ends",
        readMethods: ["intervals(_:_:on:_:)"])

    /// The records whose interval starts, or ends, within a range of days ("which notes were
    /// archived during P"), or how many.
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .intervalsByEdge))   // [open (interval)]
    /// ```
    public static let intervalsByEdge = IndexQuestion(
        "intervalsByEdge", "the records whose interval starts or ends within a day range, or how many",
        readMethods: ["intervals(_:_:edge:in:_:)", "intervalCount(_:group:edge:in:)"])
}

/// One interval found by an interval query.
public struct IntervalHit: Sendable, Hashable {
    /// The record the interval belongs to.
    public var id: RecordID
    /// First day inside the interval.
    public var start: Day
    /// First day after it; `nil` while open.
    public var end: Day?
    /// The group the interval is filed under (for an index keyed `(author)`, the author).
    public var group: Tuple
}

/// Which edge of an interval a query is about.
public enum IntervalEdge: Sendable, Hashable {
    /// The day the interval starts.
    case start
    /// The day after it ends.
    case end
}

/// Keeps an interval index: two LMDB databases (`.start`, `.end`), DUPSORT/DUPFIXED, group →
/// 16-byte values. In `.start` a value is (start, end, id), in `.end` (end, start, id): days as
/// order-preserving 4-byte integers (an open end is `Int32.max`), the id as 8 bytes big-endian,
/// so each copy sorts a group's intervals by one edge.
final class IntervalIndex: RunLoading {
    static let kind = IndexDefinition.Kind.interval
    static let databaseSuffixes = [".start", ".end"]
    static func keyLayout(for index: IndexDefinition) -> String { "group tuple" }
    static func valueLayout(for index: IndexDefinition) -> String {
        "16-byte (start, end, id) sorted by start in .start, (end, start, id) sorted by end in .end"
    }
    static func questions(for index: IndexDefinition) -> [IndexQuestion] { [.intervalsOnDay, .intervalsByEdge] }

    let definition: IndexDefinition
    let recordType: String
    let scope: String
    let byStart: Database
    let byEnd: Database

    init(_ index: IndexDefinition, recordType: String, environment: Environment) throws {
        definition = index; self.recordType = recordType; scope = recordType + "." + index.name
        let base = "i.\(recordType).\(index.name)"
        byStart = try environment.openDatabase(base + Self.databaseSuffixes[0], flags: [.create, .dupSort, .dupFixed])
        byEnd = try environment.openDatabase(base + Self.databaseSuffixes[1], flags: [.create, .dupSort, .dupFixed])
    }

    var storage: [IndexStorage] {
        [IndexStorage(label: scope, database: byStart, describeValue: { Self.describe($0, startFirst: true) }),
         IndexStorage(label: scope + ".end", database: byEnd, describeValue: { Self.describe($0, startFirst: false) })]
    }

    // MARK: Layout

    /// The stored value: two days and the id.
    @inline(__always)
    static func packed(_ a: Int32, _ b: Int32, _ id: RecordID) -> [UInt8] {
        var v: [UInt8] = []
        v.reserveCapacity(16)
        FixedWidth.append(a, to: &v); FixedWidth.append(b, to: &v); FixedWidth.append(id, to: &v)
        return v
    }

    /// The smallest value whose first day is `day`: where a seek for that day starts.
    @inline(__always)
    static func probe(_ day: Int32) -> [UInt8] {
        var probe: [UInt8] = []
        probe.reserveCapacity(16)
        FixedWidth.append(day, to: &probe)
        probe.append(contentsOf: [UInt8](repeating: 0, count: 12))
        return probe
    }

    @inline(__always)
    static func firstDay(_ value: UnsafeRawBufferPointer) -> Int32 { FixedWidth.int32(value, at: 0) }
    @inline(__always)
    static func secondDay(_ value: UnsafeRawBufferPointer) -> Int32 { FixedWidth.int32(value, at: 4) }

    static func hit(_ value: UnsafeRawBufferPointer, startFirst: Bool, group: Tuple) -> IntervalHit {
        let first = firstDay(value), second = secondDay(value)
        let (start, end) = startFirst ? (first, second) : (second, first)
        return IntervalHit(id: FixedWidth.uint64(value, at: 8), start: Day(rawValue: start),
                           end: end == .max ? nil : Day(rawValue: end), group: group)
    }

    static func describe(_ value: UnsafeRawBufferPointer, startFirst: Bool) -> String {
        guard value.count == 16 else { return KeyBytes(bytes: value).description }
        let h = hit(value, startFirst: startFirst, group: [])
        return "id \(h.id) [\(h.start), \(h.end.map(\.description) ?? "open"))"
    }

    // MARK: Maintenance

    func update(_ id: RecordID, old: IndexEntries, new: IndexEntries, in session: WriteSession) throws {
        let before = old.intervals(of: entryID), after = new.intervals(of: entryID)
        if before.elementsEqual(after) { return }
        for i in before where !after.contains(i) {
            try session.write.delete(byStart, key: i.group, value: Self.packed(i.start, i.end, id))
            try session.write.delete(byEnd, key: i.group, value: Self.packed(i.end, i.start, id))
        }
        for i in after where !before.contains(i) { try insert(i, id, session) }
    }

    /// The batch's intervals as two runs, one per copy, each in that copy's order (group, then
    /// the 16-byte value): the start-sorted copy first.
    func runs(of batch: LoadBatch) -> [SortedRun] {
        var byStartRun = SortedRun(valueWidth: 16, capacity: batch.ids.count)
        var byEndRun = SortedRun(valueWidth: 16, capacity: batch.ids.count)
        for ref in batch.intervalRefs(of: entryID) {
            let id = batch.ids[Int(ref.record)]
            let i = batch.entries[Int(ref.record)].intervals[Int(ref.value)]
            byStartRun.append(key: i.group) { FixedWidth.append(i.start, to: &$0); FixedWidth.append(i.end, to: &$0); FixedWidth.append(id, to: &$0) }
            byEndRun.append(key: i.group) { FixedWidth.append(i.end, to: &$0); FixedWidth.append(i.start, to: &$0); FixedWidth.append(id, to: &$0) }
        }
        byStartRun.sort()
        byEndRun.sort()
        return [byStartRun, byEndRun]
    }

    /// Writes the two runs of ``runs(of:)`` through one cursor each: neighbouring entries land
    /// on the same pages.
    func write(_ runs: [SortedRun], in session: WriteSession) throws {
        for (run, db) in zip(runs, [byStart, byEnd]) where run.count > 0 {
            let cursor = try session.write.cursor(db)
            try run.forEach { k, v in _ = try cursor.put(key: k, value: v, flags: .noDupData) }
        }
    }

    @inline(__always)
    private func insert(_ i: IndexEntries.Interval, _ id: RecordID, _ session: WriteSession) throws {
        try session.write.put(byStart, key: i.group, value: Self.packed(i.start, i.end, id), flags: .noDupData)
        try session.write.put(byEnd, key: i.group, value: Self.packed(i.end, i.start, id), flags: .noDupData)
    }

    // MARK: Scans

    /// Intervals of groups in `groups` that contain `day`. Walks the start-sorted and
    /// end-sorted copies of each group side by side and stops with whichever finishes first,
    /// so the work is bounded by the smaller side.
    func intervals(_ groups: KeyRange, on day: Day, _ read: IndexRead, _ body: (IntervalHit) throws -> Void) throws {
        let d = day.rawValue
        try forEachGroup(groups, read) { group in
            let starts = try read.txn.cursor(byStart)
            let ends = try read.txn.cursor(byEnd)
            var fromStart: [IntervalHit] = []
            var fromEnd: [IntervalHit] = []
            let groupTuple = try Tuple.decode(group)
            var a = try starts.seek(exactly: group)
            var b = try ends.seek(key: group, valueAtLeast: Self.probe(d == .max ? d : d + 1))
            var finishedFirst: IntervalEdge? = nil
            while finishedFirst == nil {
                if let e = a, Self.firstDay(e.value) <= d {
                    if Self.secondDay(e.value) > d { fromStart.append(Self.hit(e.value, startFirst: true, group: groupTuple)) }
                    a = try starts.nextDuplicate()
                } else {
                    finishedFirst = .start
                    break
                }
                if let e = b {
                    if Self.secondDay(e.value) <= d { fromEnd.append(Self.hit(e.value, startFirst: false, group: groupTuple)) }
                    b = try ends.nextDuplicate()
                } else {
                    finishedFirst = .end
                }
            }
            let found = finishedFirst == .start ? fromStart : fromEnd
            for h in found.sorted(by: { $0.id < $1.id }) { try body(h) }
        }
    }

    /// Intervals of groups in `groups` that start (or end) within `range`.
    func intervals(_ groups: KeyRange, edge: IntervalEdge, in range: DayRange, _ read: IndexRead,
                   _ body: (IntervalHit) throws -> Void) throws {
        try forEachGroup(groups, read) { group in
            let cursor = try read.txn.cursor(edge == .start ? byStart : byEnd)
            let groupTuple = try Tuple.decode(group)
            var entry = try cursor.seek(key: group, valueAtLeast: Self.probe(range.start.rawValue))
            while let e = entry {
                if Self.firstDay(e.value) >= range.end.rawValue { break }
                try body(Self.hit(e.value, startFirst: edge == .start, group: groupTuple))
                entry = try cursor.nextDuplicate()
            }
        }
    }

    /// How many intervals of exactly `group` start (or end) within `range`, building no hits.
    func count(group: KeyBytes, edge: IntervalEdge, in range: DayRange, _ read: IndexRead) throws -> Int {
        let cursor = try read.txn.cursor(edge == .start ? byStart : byEnd)
        var n = 0
        var entry = try cursor.seek(key: group.array, valueAtLeast: Self.probe(range.start.rawValue))
        while let e = entry, Self.firstDay(e.value) < range.end.rawValue {
            n += 1
            entry = try cursor.nextDuplicate()
        }
        return n
    }

    private func forEachGroup(_ groups: KeyRange, _ read: IndexRead, _ body: ([UInt8]) throws -> Void) throws {
        if case .exactly(let t) = groups { try body(t.encoded); return }
        let (lower, upper) = groups.bounds
        let cursor = try read.txn.cursor(byStart)
        var entry = try cursor.seek(atLeast: lower)
        while let e = entry {
            if let upper, e.key.compare(upper) >= 0 { break }
            try body(Array(e.key))
            entry = try cursor.nextKey()
        }
    }
}
