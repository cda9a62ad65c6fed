import LMDB

/// Index reads: each method reaches its index's maintainer through ``TenantReader/open(_:as:_:)``
/// and asks one of the maintainer's scans.
extension TenantReader {
    // MARK: Value and unique indexes

    /// Visits the ids a value index holds for keys in `range`, in key then id order, after
    /// `continuation`, at most `limit`; `body` gets the key bytes and the id and returns `false`
    /// to stop. Returns a continuation when entries remain; it continues this query only (this
    /// index and this range). Under a ``RecordGate`` the entries it hides are skipped (they
    /// count towards `limit`).
    ///
    /// ```swift
    /// var ids: [RecordID] = []
    /// try txn.ids(in: Note.byAuthor, .prefix(["ana"])) { _, id in ids.append(id); return true }
    /// print(ids)   // [1, 2]
    /// ```
    @discardableResult
    public func ids(in index: IndexDefinition, _ range: KeyRange = .all, after continuation: Continuation? = nil, limit: Int? = nil,
                    _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation? {
        let (m, read, gate) = try open(index, as: (any KeyedIndex).self, "a value or unique index")
        guard let gate else { return try m.ids(range, after: continuation, limit: limit, read, body) }
        return try m.ids(range, after: continuation, limit: limit, read) { key, id in
            try admits(gate, index, recordType: m.recordType, key: key, id: id) ? try body(key, id) : true
        }
    }

    /// Visits the records a value index holds for keys in `range` (see ``ids(in:_:after:limit:_:)``).
    @discardableResult
    public func records<R: StoredRecord>(_ type: R.Type, in index: IndexDefinition, _ range: KeyRange = .all,
                                         after continuation: Continuation? = nil, limit: Int? = nil,
                                         _ body: (R) throws -> Bool) throws -> Continuation? {
        let t = try core.type(R.schema.name)
        let gate = try readGate(R.schema.name)
        return try ids(in: index, range, after: continuation, limit: limit) { _, id in
            guard let bytes = try txn.get(t.records, key: FixedWidth.bytes(id)) else {
                throw HosoError.corruptRecord(type: R.schema.name, id: id, reason: "index \(index.name) names a missing record")
            }
            var record = try opened(t.schema.name, id: id, bytes) { bytes throws(HosoError) in try R.decode(id: id, bytes) }
            if let gate {
                guard gate.admits(record) else { return true }
                record = gate.view(record)
            }
            notes?.note(record)
            return try body(record)
        }
    }

    /// How many index entries lie in `range` (counted by walking the index).
    public func entryCount(in index: IndexDefinition, _ range: KeyRange) throws -> Int {
        var n = 0
        try ids(in: index, range) { _, _ in n += 1; return true }
        return n
    }

    /// The id a unique index maps `key` to (`nil` as well when a ``RecordGate`` hides it).
    ///
    /// ```swift
    /// let id = try txn.lookup(Note.bySlug, ["minutes"])
    /// print(id ?? 0)   // 3
    /// ```
    public func lookup(_ index: IndexDefinition, _ key: Tuple) throws -> RecordID? {
        let (m, read, gate) = try open(index, as: (any KeyedIndex).self, "a value or unique index")
        let encoded = key.encoded
        guard let id = try m.lookup(encoded, read) else { return nil }
        guard let gate else { return id }
        return try encoded.withUnsafeBytes { try admits(gate, index, recordType: m.recordType, key: $0, id: id) } ? id : nil
    }

    // MARK: Count indexes

    /// The count stored under exactly `key`. A ``RecordGate`` that does not show the key
    /// refuses it (``HosoError/accessDenied(principal:operation:reason:)``).
    public func count(_ index: IndexDefinition, _ key: KeyBytes) throws -> Int64 {
        let (m, read, gate) = try open(index, as: CountIndex.self, "a count index")
        if gate != nil { try checkCount(gate, index, key: try Tuple.decode(key.array)) }
        return try m.count(key, read)
    }

    /// The count stored under exactly `key`.
    public func count(_ index: IndexDefinition, _ key: Tuple) throws -> Int64 {
        let (m, read, gate) = try open(index, as: CountIndex.self, "a count index")
        try checkCount(gate, index, key: key)
        return try m.count(KeyBytes(key), read)
    }

    /// The sum of counts of all keys in `range` (a rollup: `.prefix([author])`).
    public func countSum(_ index: IndexDefinition, _ range: KeyRange) throws -> Int64 {
        var total: Int64 = 0
        try counts(index, range) { _, n in total += n }
        return total
    }

    /// Visits every key of a count index in `range` with its count. Under a ``RecordGate``
    /// every key of the range must be one it shows: a sum that left some out would be a wrong
    /// answer given silently, so the read is refused instead.
    public func counts(_ index: IndexDefinition, _ range: KeyRange, _ body: (Tuple, Int64) throws -> Void) throws {
        let (m, read, gate) = try open(index, as: CountIndex.self, "a count index")
        guard let gate else { return try m.counts(range, read, body) }
        try m.counts(range, read) { key, n in
            try checkCount(gate, index, key: key)
            try body(key, n)
        }
    }

    // MARK: Dated count indexes

    /// Sums a dated count index over the days `range` for `group`, broken down by subgroup.
    /// Reads at most five short key ranges whatever the range's length.
    ///
    /// ```swift
    /// // ana's notes of June 2025, by tag
    /// let byTag = try txn.datedCounts(Note.perDay, group: ["ana"], in: DayRange(from: Day(year: 2025, month: 6, day: 1)!, through: Day(year: 2025, month: 6, day: 30)!))
    /// print(byTag[["idea"]] ?? 0, byTag[["todo"]] ?? 0)   // 1 1
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
        let (m, read) = try openDatedCounting(index, groups: [group])
        if let subgroup { return try m.total(group: group.encoded, subgroup: subgroup.encoded, in: range, remainder: &remainder, read) }
        var total: Int64 = 0
        try m.totals(group: group.encoded, in: range, remainder: &remainder, read) { _, n in total += n }
        return total
    }

    /// ``datedCount(_:group:subgroup:in:remainder:)`` with the group and the subgroup given as
    /// their key bytes: no tuple is built for a question asked many times a second.
    ///
    /// ```swift
    /// var rest: [DayRange] = []
    /// let n = try tenant.read { try $0.datedCount(Note.perDay, group: KeyBytes([.string("ben")]), subgroup: KeyBytes([.string("swift")]), in: DayRange(Day(rawValue: 0), Day(rawValue: 30_000)), remainder: &rest) }
    /// print(n >= 0)   // true
    /// ```
    public func datedCount(_ index: IndexDefinition, group: KeyBytes, subgroup: KeyBytes, in range: DayRange,
                           remainder: inout [DayRange]) throws -> Int64 {
        let (m, read) = try openDatedCounting(index, groups: [try Tuple.decode(group.array)])
        return try m.total(group: group.array, subgroup: subgroup.array, in: range, remainder: &remainder, read)
    }

    /// The total of a dated or running count index over `range` for `subgroup` under `group`,
    /// minus the same under `other`: an as-of count, entries up to a day minus exits, in one
    /// call that reads both series with one cursor. An index of months only appends the days
    /// it cannot answer (partial months) to `remainder`, once for both series.
    ///
    /// ```swift
    /// var rest: [DayRange] = []
    /// let all = DayRange(Day(rawValue: 0), Day(rawValue: 30_000))
    /// let (d, ben, ana) = try tenant.read { txn in
    ///     (try txn.datedCountDifference(Note.perDay, group: KeyBytes([.string("ben")]), minus: KeyBytes([.string("ana")]),
    ///                                   subgroup: KeyBytes([.string("swift")]), in: all, remainder: &rest),
    ///      try txn.datedCount(Note.perDay, group: ["ben"], subgroup: ["swift"], in: all),
    ///      try txn.datedCount(Note.perDay, group: ["ana"], subgroup: ["swift"], in: all))
    /// }
    /// print(d == ben - ana)   // true
    /// ```
    public func datedCountDifference(_ index: IndexDefinition, group: KeyBytes, minus other: KeyBytes, subgroup: KeyBytes, in range: DayRange,
                                     remainder: inout [DayRange]) throws -> Int64 {
        let (m, read) = try openDatedCounting(index, groups: [try Tuple.decode(group.array), try Tuple.decode(other.array)])
        return try m.difference(group: group, minus: other, subgroup: subgroup, in: range, remainder: &remainder, read)
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

    /// The maintainer of a dated or running count index, cast to its class (a cast to the
    /// protocol existential costs more than the reads of an as-of count).
    /// Under a ``RecordGate`` each of the groups must be one the gate shows (they are decoded
    /// only then).
    private func openDatedCounting(_ index: IndexDefinition, groups: @autoclosure () throws -> [Tuple]) throws -> (any DatedCounting, IndexRead) {
        let m = try core.maintainer(index)
        if let gate = try readGate(m.recordType) {
            for group in try groups() { try checkCount(gate, index, key: group) }
        }
        if let r = m as? RunningCountIndex { return (r, try scope.open(r)) }
        if let d = m as? DatedCountIndex { return (d, try scope.open(d)) }
        throw HosoError.unknownSchemaElement("\(index) is not a dated or running count index")
    }

    private func refuse(_ remainder: [DayRange], of index: IndexDefinition) throws {
        guard remainder.isEmpty else {
            throw HosoError.unknownSchemaElement("\(index.name) keeps months only; days \(remainder.map(\.description).joined(separator: ", ")) must be asked with remainder:")
        }
    }

    private func datedScan(_ index: IndexDefinition, group: [UInt8], in range: DayRange, remainder: inout [DayRange],
                           _ body: (UnsafeRawBufferPointer, Int64) -> Void) throws {
        let (m, read) = try openDatedCounting(index, groups: [try Tuple.decode(group)])
        try m.totals(group: group, in: range, remainder: &remainder, read, body)
    }

    // MARK: Interval indexes

    /// Intervals of groups in `groups` that contain `day`: "which notes of these authors were
    /// open on day D". Walks the start-sorted and end-sorted copies of each group side by side and stops
    /// with whichever finishes first, so the work is bounded by the smaller side.
    public func intervals(_ index: IndexDefinition, _ groups: KeyRange, on day: Day, _ body: (IntervalHit) throws -> Void) throws {
        let (m, read, gate) = try open(index, as: IntervalIndex.self, "an interval index")
        guard let gate else { return try m.intervals(groups, on: day, read, body) }
        try m.intervals(groups, on: day, read) { hit in if try admits(gate, index, recordType: m.recordType, hit) { try body(hit) } }
    }

    /// Whether `gate` shows interval `hit`: by its group, or by its record.
    private func admits(_ gate: any RecordGate, _ index: IndexDefinition, recordType: String, _ hit: IntervalHit) throws -> Bool {
        switch gate.access(to: index, key: hit.group) {
        case .visible: return true
        case .hidden: return false
        case .byRecord:
            let t = try core.type(recordType)
            guard let bytes = try txn.get(t.records, key: FixedWidth.bytes(hit.id)) else { return false }
            return try admits(gate, t, id: hit.id, bytes)
        }
    }

    /// Intervals of groups in `groups` that start (`edge: .start`) or end (`edge: .end`) within
    /// `range`: "which notes of these authors were written / archived during period P".
    public func intervals(_ index: IndexDefinition, _ groups: KeyRange, edge: IntervalEdge, in range: DayRange,
                          _ body: (IntervalHit) throws -> Void) throws {
        let (m, read, gate) = try open(index, as: IntervalIndex.self, "an interval index")
        guard let gate else { return try m.intervals(groups, edge: edge, in: range, read, body) }
        try m.intervals(groups, edge: edge, in: range, read) { hit in if try admits(gate, index, recordType: m.recordType, hit) { try body(hit) } }
    }

    /// How many intervals of exactly `group` start (or end) within `range`: the counting form
    /// of ``intervals(_:_:edge:in:_:)``, building no hits.
    public func intervalCount(_ index: IndexDefinition, group: KeyBytes, edge: IntervalEdge, in range: DayRange) throws -> Int {
        let (m, read, gate) = try open(index, as: IntervalIndex.self, "an interval index")
        if gate != nil { try checkCount(gate, index, key: try Tuple.decode(group.array)) }
        return try m.count(group: group, edge: edge, in: range, read)
    }

    // MARK: Sizes

    /// How big an index is (entries and bytes), from page statistics: the estimate a planner
    /// weighs a scan by.
    ///
    /// ```swift
    /// let size = try tenant.read { try $0.size(of: Note.byAuthor) }
    /// print(size.entries)   // 3
    /// ```
    public func size(of index: IndexDefinition) throws -> IndexSize {
        let (m, read, _) = try open(index, as: (any IndexMaintainer).self, "an index")
        return try m.size(read)
    }
}
