import LMDB

/// One interval found by an interval query.
public struct IntervalHit: Sendable, Hashable {
    /// The record the interval belongs to.
    public var id: RecordID
    /// First day inside the interval.
    public var start: Day
    /// First day after it; `nil` while open.
    public var end: Day?
    /// The group the interval is filed under (for an index keyed `(tag, group)`, those).
    public var group: Tuple
}

/// Reads a tenant inside ``Tenant/read(_:)`` (and, through ``TenantWriter``, inside
/// ``Tenant/write(_:)``, where it sees the transaction's own writes). Every call is checked by
/// the handle's ``AccessPolicy``. Do not keep a reader past its closure.
public class TenantReader {
    let core: TenantCore
    let txn: RawTransaction
    /// Who is reading.
    public let principal: Principal
    let policy: any AccessPolicy

    init(core: TenantCore, transaction: RawTransaction, principal: Principal, policy: any AccessPolicy) {
        self.core = core; self.txn = transaction; self.principal = principal; self.policy = policy
    }

    /// Hook for the writer: make pending changes visible before a read.
    func willRead() throws {}

    func authorize(_ operation: AccessOperation) throws(HosoError) {
        try policy.authorize(operation, by: principal)
    }

    // MARK: Tenant state

    /// The tenant's metadata.
    public func info() throws -> TenantInfo {
        guard let bytes = try txn.get(core.meta, key: MetaKeys.info) else {
            throw HosoError.corruptRecord(type: "tenant info", id: nil, reason: "missing")
        }
        return try TenantInfo.decode(bytes)
    }

    /// The day as of which the tenant's "current" indexes are kept: the last day a write saw.
    public func today() throws -> Day {
        guard let bytes = try txn.get(core.meta, key: MetaKeys.today) else { return core.today }
        return Day(rawValue: Int32(FixedWidth.counter(bytes)))
    }

    /// A named setting blob.
    public func setting(_ name: String) throws -> [UInt8]? {
        try txn.get(core.meta, key: MetaKeys.setting(name)).map(Array.init)
    }

    /// The sequence number of the newest change-log fact.
    public func lastChangeSequence() throws -> UInt64 {
        let cursor = try txn.cursor(core.changeLog)
        guard let last = try cursor.last() else { return 0 }
        return FixedWidth.uint64(last.key)
    }

    /// Change-log facts after `sequence`, oldest first.
    public func changes(after sequence: UInt64, limit: Int = 1000) throws -> [ChangeRecord] {
        try authorize(.administer("read the change log"))
        let cursor = try txn.cursor(core.changeLog)
        var out: [ChangeRecord] = []
        let start = FixedWidth.bytes(sequence &+ 1)
        var entry = try cursor.seek(atLeast: start)
        while let e = entry, out.count < limit {
            out.append(try ChangeRecord.decode(sequence: FixedWidth.uint64(e.key), e.value))
            entry = try cursor.next()
        }
        return out
    }

    // MARK: Records

    /// The record with `id`, or `nil`.
    ///
    /// ```swift
    /// if let item = try txn.get(Item.self, id: 42) { print(item.tag) }
    /// ```
    public func get<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> R? {
        try withBytes(of: type, id: id) { bytes throws(HosoError) in try R.decode(id: id, bytes) }
    }

    /// Calls `body` with the stored bytes of a record, without copying; `nil` when absent.
    public func withBytes<R: StoredRecord, T>(of type: R.Type, id: RecordID, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try authorize(.read(recordType: R.schema.name))
        let t = try core.type(R.schema.name)
        let key = FixedWidth.bytes(id)
        guard let bytes = try txn.get(t.records, key: key) else { return nil }
        return try body(bytes)
    }

    /// Whether a record with `id` exists.
    public func contains<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> Bool {
        try withBytes(of: type, id: id) { _ in true } ?? false
    }

    /// How many records of `type` the tenant holds.
    public func recordCount<R: StoredRecord>(_ type: R.Type) throws -> Int {
        try authorize(.read(recordType: R.schema.name))
        return try txn.statistics(try core.type(R.schema.name).records).entries
    }

    /// The largest id in use for `type` (0 when empty): a bulk load can append after it.
    public func lastID<R: StoredRecord>(_ type: R.Type) throws -> RecordID {
        try authorize(.read(recordType: R.schema.name))
        let cursor = try txn.cursor(try core.type(R.schema.name).records)
        return try cursor.last().map { FixedWidth.uint64($0.key) } ?? 0
    }

    /// Visits records of `type` in id order, after `continuation`, at most `limit` of them;
    /// `body` returns `false` to stop. Returns a continuation when records remain.
    ///
    /// ```swift
    /// var token: Continuation? = nil
    /// token = try txn.scan(Item.self, limit: 1000) { item in print(item.id); return true }
    /// ```
    @discardableResult
    public func scan<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                      _ body: (R) throws -> Bool) throws -> Continuation? {
        try scanBytes(type, after: continuation, limit: limit) { id, bytes in try body(try R.decode(id: id, bytes)) }
    }

    /// Like ``scan(_:after:limit:_:)`` but hands out the stored bytes without decoding or
    /// copying (zero-copy filters).
    @discardableResult
    public func scanBytes<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                           _ body: (RecordID, UnsafeRawBufferPointer) throws -> Bool) throws -> Continuation? {
        try authorize(.read(recordType: R.schema.name))
        let t = try core.type(R.schema.name)
        let scope = "\(t.schema.name).records"
        try continuation?.check(scope: scope)
        let cursor = try txn.cursor(t.records)
        var entry: Cursor.Entry?
        if let continuation {
            let from = FixedWidth.bytes(continuation.id &+ 1)
            entry = continuation.id == .max ? nil : try cursor.seek(atLeast: from)
        } else {
            entry = try cursor.first()
        }
        var seen = 0
        var lastID: RecordID = 0
        while let e = entry {
            if let limit, seen >= limit { return Continuation(scope: scope, key: [], id: lastID) }
            lastID = FixedWidth.uint64(e.key)
            seen += 1
            if try !body(lastID, e.value) { return Continuation(scope: scope, key: [], id: lastID) }
            entry = try cursor.next()
        }
        return nil
    }

    // MARK: Value and unique indexes

    /// Visits the ids a value index holds for keys in `range`, in key then id order, after
    /// `continuation`, at most `limit`; `body` gets the key bytes and the id and returns `false`
    /// to stop. Returns a continuation when entries remain.
    ///
    /// ```swift
    /// try txn.ids(in: Item.byGroup, .prefix([7])) { _, id in ids.append(id); return true }
    /// ```
    @discardableResult
    public func ids(in index: IndexDefinition, _ range: KeyRange = .all, after continuation: Continuation? = nil, limit: Int? = nil,
                    _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation? {
        try willRead()
        let r = try core.index(index)
        try authorize(.read(recordType: r.recordType))
        try continuation?.check(scope: r.scope)
        let (lower, upper) = range.bounds
        let cursor = try txn.cursor(r.db)
        let isUnique = index.kind == .unique
        guard index.kind == .value || isUnique else { throw HosoError.unknownSchemaElement("\(index) is not a value or unique index") }
        var entry: Cursor.Entry?
        if let continuation {
            let key = continuation.key
            if !isUnique, continuation.id < .max {
                entry = try cursor.seek(key: key, valueAtLeast: FixedWidth.bytes(continuation.id + 1))
            }
            if entry == nil { entry = try cursor.seek(atLeast: key + [0]) }
        } else {
            entry = try cursor.seek(atLeast: lower)
        }
        var seen = 0
        var lastKey: [UInt8] = []
        var lastID: RecordID = 0
        while let e = entry {
            if let upper, e.key.compare(upper) >= 0 { return nil }
            if let limit, seen >= limit { return Continuation(scope: r.scope, key: lastKey, id: lastID) }
            let id = FixedWidth.uint64(e.value)
            seen += 1
            if try !body(e.key, id) { return Continuation(scope: r.scope, key: Array(e.key), id: id) }
            if limit != nil { lastKey = Array(e.key); lastID = id }
            entry = try cursor.next()
        }
        return nil
    }

    /// Visits the records a value index holds for keys in `range` (see ``ids(in:_:after:limit:_:)``).
    @discardableResult
    public func records<R: StoredRecord>(_ type: R.Type, in index: IndexDefinition, _ range: KeyRange = .all,
                                         after continuation: Continuation? = nil, limit: Int? = nil,
                                         _ body: (R) throws -> Bool) throws -> Continuation? {
        let t = try core.type(R.schema.name)
        return try ids(in: index, range, after: continuation, limit: limit) { _, id in
            guard let bytes = try txn.get(t.records, key: FixedWidth.bytes(id)) else {
                throw HosoError.corruptRecord(type: R.schema.name, id: id, reason: "index \(index.name) names a missing record")
            }
            return try body(try R.decode(id: id, bytes))
        }
    }

    /// How many index entries lie in `range` (counted by walking the index).
    public func entryCount(in index: IndexDefinition, _ range: KeyRange) throws -> Int {
        var n = 0
        try ids(in: index, range) { _, _ in n += 1; return true }
        return n
    }

    /// The id a unique index maps `key` to.
    ///
    /// ```swift
    /// let id = try txn.lookup(Item.byCode, ["X-001"])
    /// ```
    public func lookup(_ index: IndexDefinition, _ key: Tuple) throws -> RecordID? {
        let r = try core.index(index)
        try authorize(.read(recordType: r.recordType))
        return try txn.get(r.db, key: key.encoded).map { FixedWidth.uint64($0) }
    }

    // MARK: Count indexes

    /// The count stored under exactly `key`.
    public func count(_ index: IndexDefinition, _ key: KeyBytes) throws -> Int64 {
        try willRead()
        let r = try core.index(index)
        try authorize(.read(recordType: r.recordType))
        return try txn.get(r.db, key: key).map { FixedWidth.counter($0) } ?? 0
    }

    /// The count stored under exactly `key`.
    public func count(_ index: IndexDefinition, _ key: Tuple) throws -> Int64 {
        try willRead()
        let r = try core.index(index)
        try authorize(.read(recordType: r.recordType))
        return try txn.get(r.db, key: key.encoded).map { FixedWidth.counter($0) } ?? 0
    }

    /// The sum of counts of all keys in `range` (a rollup: `.prefix([group])`).
    public func countSum(_ index: IndexDefinition, _ range: KeyRange) throws -> Int64 {
        var total: Int64 = 0
        try counts(index, range) { _, n in total += n }
        return total
    }

    /// Visits every key of a count index in `range` with its count.
    public func counts(_ index: IndexDefinition, _ range: KeyRange, _ body: (Tuple, Int64) throws -> Void) throws {
        try willRead()
        let r = try core.index(index)
        try authorize(.read(recordType: r.recordType))
        let (lower, upper) = range.bounds
        let cursor = try txn.cursor(r.db)
        var entry = try cursor.seek(atLeast: lower)
        while let e = entry {
            if let upper, e.key.compare(upper) >= 0 { break }
            try body(try Tuple.decode(e.key), FixedWidth.counter(e.value))
            entry = try cursor.next()
        }
    }

    // MARK: Dated count indexes

    /// Sums a dated count index over the days `range` for `group`, broken down by subgroup.
    /// Reads at most five short key ranges whatever the range's length.
    ///
    /// ```swift
    /// // items of group 7 started in June 2025, by tag
    /// let byTag = try txn.datedCounts(Item.perDay, group: [7], in: DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!))
    /// ```
    public func datedCounts(_ index: IndexDefinition, group: Tuple, in range: DayRange) throws -> [Tuple: Int64] {
        var remainder: [DayRange] = []
        let counts = try datedCounts(index, group: group, in: range, remainder: &remainder)
        try refuse(remainder, of: index)
        return counts
    }

    /// Like ``datedCounts(_:group:in:)`` for an index of months only: the days of `range` the
    /// index cannot answer (partial months at either end) are appended to `remainder`.
    public func datedCounts(_ index: IndexDefinition, group: Tuple, in range: DayRange, remainder: inout [DayRange]) throws -> [Tuple: Int64] {
        var bySubgroup: [[UInt8]: Int64] = [:]
        try datedScan(index, group: group.encoded, in: range, remainder: &remainder) { sub, n in bySubgroup[Array(sub), default: 0] += n }
        var out: [Tuple: Int64] = [:]
        for (k, v) in bySubgroup where v != 0 { out[try Tuple.decode(k)] = v }
        return out
    }

    /// The total of a dated count index over the days `range` for `group` (all subgroups),
    /// or for one `subgroup`.
    public func datedCount(_ index: IndexDefinition, group: Tuple, subgroup: Tuple? = nil, in range: DayRange) throws -> Int64 {
        var remainder: [DayRange] = []
        let total = try datedCount(index, group: group, subgroup: subgroup, in: range, remainder: &remainder)
        try refuse(remainder, of: index)
        return total
    }

    /// Like ``datedCount(_:group:subgroup:in:)`` for an index of months only, appending the days
    /// it cannot answer to `remainder`.
    public func datedCount(_ index: IndexDefinition, group: Tuple, subgroup: Tuple? = nil, in range: DayRange,
                           remainder: inout [DayRange]) throws -> Int64 {
        var total: Int64 = 0
        let want = subgroup?.encoded
        try datedScan(index, group: group.encoded, in: range, remainder: &remainder) { sub, n in
            if let want, !sub.equals(want) { return }
            total += n
        }
        return total
    }

    /// Sums a dated count index over `range` for `group` by the subgroup's first element, an
    /// integer (a kind or status code): the allocation-free form of
    /// ``datedCounts(_:group:in:remainder:)`` for dashboards.
    public func datedCountsByCode(_ index: IndexDefinition, group: KeyBytes, in range: DayRange, remainder: inout [DayRange]) throws -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        try datedScan(index, group: group.array, in: range, remainder: &remainder) { sub, n in
            var decoder = KeyDecoder(sub)
            if !decoder.isAtEnd, case .int(let code)? = try? decoder.next() { out[code, default: 0] += n }
        }
        return out
    }

    private func refuse(_ remainder: [DayRange], of index: IndexDefinition) throws {
        guard remainder.isEmpty else {
            throw HosoError.unknownSchemaElement("\(index.name) keeps months only; days \(remainder.map(\.description).joined(separator: ", ")) must be asked with remainder:")
        }
    }

    func datedScan(_ index: IndexDefinition, group: [UInt8], in range: DayRange, remainder: inout [DayRange],
                   _ body: (UnsafeRawBufferPointer, Int64) -> Void) throws {
        try willRead()
        let r = try core.index(index)
        try authorize(.read(recordType: r.recordType))
        guard index.kind == .datedCount else { throw HosoError.unknownSchemaElement("\(index) is not a dated count index") }
        guard !range.isEmpty else { return }
        let cursor = try txn.cursor(r.db)
        for piece in DayBuckets.pieces(start: max(range.start.rawValue, DayBuckets.epoch), end: range.end.rawValue) {
            if index.finest == .month && piece.granularity == DayBuckets.day {
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

    // MARK: Interval indexes

    /// Intervals of groups in `groups` that contain `day`: "which records were in state S in group G on
    /// day D". Walks the start-sorted and end-sorted copies of each group side by side and stops
    /// with whichever finishes first, so the work is bounded by the smaller side.
    public func intervals(_ index: IndexDefinition, _ groups: KeyRange, on day: Day, _ body: (IntervalHit) throws -> Void) throws {
        let r = try intervalIndex(index)
        let d = day.rawValue
        try forEachGroup(r, groups) { group in
            let byStart = try txn.cursor(r.db)
            let byEnd = try txn.cursor(r.endDB!)
            var fromStart: [IntervalHit] = []
            var fromEnd: [IntervalHit] = []
            let groupTuple = try Tuple.decode(group)
            var a = try byStart.seek(exactly: group)
            var endProbe: [UInt8] = []
            FixedWidth.append(d == .max ? d : d + 1, to: &endProbe)
            endProbe.append(contentsOf: [UInt8](repeating: 0, count: 12))
            var b = try byEnd.seek(key: group, valueAtLeast: endProbe)
            var finishedFirst: IntervalEdge? = nil
            while finishedFirst == nil {
                if let e = a, FixedWidth.int32(e.value, at: 0) <= d {
                    if FixedWidth.int32(e.value, at: 4) > d { fromStart.append(hit(e.value, startFirst: true, group: groupTuple)) }
                    a = try byStart.nextDuplicate()
                } else {
                    finishedFirst = .start
                    break
                }
                if let e = b {
                    if FixedWidth.int32(e.value, at: 4) <= d { fromEnd.append(hit(e.value, startFirst: false, group: groupTuple)) }
                    b = try byEnd.nextDuplicate()
                } else {
                    finishedFirst = .end
                }
            }
            let found = finishedFirst == .start ? fromStart : fromEnd
            for h in found.sorted(by: { $0.id < $1.id }) { try body(h) }
        }
    }

    /// Intervals of groups in `groups` that start (`edge: .start`) or end (`edge: .end`) within
    /// `range`: "which records entered / left state S in group G during period P".
    public func intervals(_ index: IndexDefinition, _ groups: KeyRange, edge: IntervalEdge, in range: DayRange,
                          _ body: (IntervalHit) throws -> Void) throws {
        let r = try intervalIndex(index)
        try forEachGroup(r, groups) { group in
            let cursor = try txn.cursor(edge == .start ? r.db : r.endDB!)
            let groupTuple = try Tuple.decode(group)
            var probe: [UInt8] = []
            FixedWidth.append(range.start.rawValue, to: &probe)
            probe.append(contentsOf: [UInt8](repeating: 0, count: 12))
            var entry = try cursor.seek(key: group, valueAtLeast: probe)
            while let e = entry {
                if FixedWidth.int32(e.value, at: 0) >= range.end.rawValue { break }
                try body(hit(e.value, startFirst: edge == .start, group: groupTuple))
                entry = try cursor.nextDuplicate()
            }
        }
    }

    /// How many intervals of exactly `group` start (or end) within `range`: the counting form
    /// of ``intervals(_:_:edge:in:_:)``, building no hits.
    public func intervalCount(_ index: IndexDefinition, group: KeyBytes, edge: IntervalEdge, in range: DayRange) throws -> Int {
        let r = try intervalIndex(index)
        let cursor = try txn.cursor(edge == .start ? r.db : r.endDB!)
        var probe: [UInt8] = []
        probe.reserveCapacity(16)
        FixedWidth.append(range.start.rawValue, to: &probe)
        probe.append(contentsOf: [UInt8](repeating: 0, count: 12))
        var n = 0
        var entry = try cursor.seek(key: group.array, valueAtLeast: probe)
        while let e = entry, FixedWidth.int32(e.value, at: 0) < range.end.rawValue {
            n += 1
            entry = try cursor.nextDuplicate()
        }
        return n
    }

    private func intervalIndex(_ index: IndexDefinition) throws -> ResolvedIndex {
        try willRead()
        let r = try core.index(index)
        try authorize(.read(recordType: r.recordType))
        guard index.kind == .interval else { throw HosoError.unknownSchemaElement("\(index) is not an interval index") }
        return r
    }

    private func forEachGroup(_ r: ResolvedIndex, _ groups: KeyRange, _ body: ([UInt8]) throws -> Void) throws {
        if case .exactly(let t) = groups { try body(t.encoded); return }
        let (lower, upper) = groups.bounds
        let cursor = try txn.cursor(r.db)
        var entry = try cursor.seek(atLeast: lower)
        while let e = entry {
            if let upper, e.key.compare(upper) >= 0 { break }
            try body(Array(e.key))
            entry = try cursor.nextKey()
        }
    }

    private func hit(_ value: UnsafeRawBufferPointer, startFirst: Bool, group: Tuple) -> IntervalHit {
        let first = FixedWidth.int32(value, at: 0), second = FixedWidth.int32(value, at: 4)
        let (start, end) = startFirst ? (first, second) : (second, first)
        return IntervalHit(id: FixedWidth.uint64(value, at: 8), start: Day(rawValue: start),
                           end: end == .max ? nil : Day(rawValue: end), group: group)
    }
}

/// Which edge of an interval a query is about.
public enum IntervalEdge: Sendable, Hashable {
    /// The day the interval starts.
    case start
    /// The day after it ends.
    case end
}
