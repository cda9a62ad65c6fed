/// The read API of ``TenantReader`` on the writer: each method reads through ``TenantWriter/reader``
/// (so it sees this transaction's writes, counts included). `ReadAPITests` checks that every
/// public method of the reader has its twin here.
///
/// ```swift
/// let (total, todos, slug) = try tenant.write { w in
///     try w.insert(note)
///     return (try w.countSum(Note.perAuthorTag, .all),                  // counts the insert
///             try w.datedCount(Note.perDay, group: ["ben"], subgroup: ["todo"], in: DayRange(from: Day(year: 2025, month: 1, day: 1)!, through: Day(year: 2025, month: 12, day: 31)!)),
///             try w.get(Note.self, id: note.id)?.slug)
/// }
/// print(total, todos, slug ?? "none")   // 4 1 todo
/// ```
extension TenantWriter {
    // MARK: Tenant state

    /// ``TenantReader/info()`` inside the write.
    public func info() throws -> TenantInfo { try reader.info() }

    /// ``TenantReader/today()`` inside the write.
    public func today() throws -> Day { try reader.today() }

    /// ``TenantReader/setting(_:)`` inside the write.
    public func setting(_ name: String) throws -> [UInt8]? { try reader.setting(name) }

    /// ``TenantReader/lastChangeSequence()`` inside the write.
    public func lastChangeSequence() throws -> UInt64 { try reader.lastChangeSequence() }

    /// ``TenantReader/changes(after:limit:)`` inside the write.
    public func changes(after sequence: UInt64, limit: Int = 1000) throws -> [ChangeRecord] {
        try reader.changes(after: sequence, limit: limit)
    }

    /// ``TenantReader/readFacts(after:limit:)`` inside the write.
    public func readFacts(after sequence: UInt64, limit: Int = 1000) throws -> [ChangeRecord] {
        try reader.readFacts(after: sequence, limit: limit)
    }

    // MARK: Records

    /// ``TenantReader/get(_:id:)`` inside the write.
    public func get<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> R? { try reader.get(type, id: id) }

    /// ``TenantReader/withBytes(of:id:_:)`` inside the write.
    public func withBytes<R: StoredRecord, T>(of type: R.Type, id: RecordID, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try reader.withBytes(of: type, id: id, body)
    }

    /// ``TenantReader/contains(_:id:)`` inside the write.
    public func contains<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> Bool { try reader.contains(type, id: id) }

    /// ``TenantReader/recordCount(_:)`` inside the write.
    public func recordCount<R: StoredRecord>(_ type: R.Type) throws -> Int { try reader.recordCount(type) }

    /// ``TenantReader/lookupValue(_:)`` inside the write.
    public func lookupValue(_ value: String) throws -> String { try reader.lookupValue(value) }
    /// ``TenantReader/isSealed()`` inside the write.
    public func isSealed() throws -> Bool { try reader.isSealed() }
    /// ``TenantReader/storedRecordCount(_:)`` inside the write.
    public func storedRecordCount<R: StoredRecord>(_ type: R.Type) throws -> Int { try reader.storedRecordCount(type) }

    /// ``TenantReader/lastID(_:)`` inside the write.
    public func lastID<R: StoredRecord>(_ type: R.Type) throws -> RecordID { try reader.lastID(type) }

    /// ``TenantReader/scan(_:after:limit:_:)`` inside the write.
    @discardableResult
    public func scan<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                      _ body: (R) throws -> Bool) throws -> Continuation? {
        try reader.scan(type, after: continuation, limit: limit, body)
    }

    /// ``TenantReader/scanBytes(_:after:limit:_:)`` inside the write.
    @discardableResult
    public func scanBytes<R: StoredRecord>(_ type: R.Type, after continuation: Continuation? = nil, limit: Int? = nil,
                                           _ body: (RecordID, UnsafeRawBufferPointer) throws -> Bool) throws -> Continuation? {
        try reader.scanBytes(type, after: continuation, limit: limit, body)
    }

    /// ``TenantReader/scan(_:where:after:limit:rejected:_:)`` inside the write.
    @discardableResult
    public func scan<R: StoredRecord>(_ type: R.Type, where filter: FieldFilter, after continuation: Continuation? = nil, limit: Int? = nil,
                                      rejected: ((RecordID) throws -> Void)? = nil, _ body: (R) throws -> Bool) throws -> Continuation? {
        try reader.scan(type, where: filter, after: continuation, limit: limit, rejected: rejected, body)
    }

    /// ``TenantReader/count(_:where:examined:)`` inside the write (on one core: a write's reader
    /// sees its own changes, which no other transaction does).
    public func count<R: StoredRecord>(_ type: R.Type, where filter: FieldFilter,
                                       examined: (([RecordID]) throws -> Void)? = nil) throws -> Int {
        try reader.count(type, where: filter, examined: examined)
    }

    // MARK: Value and unique indexes

    /// ``TenantReader/ids(in:_:after:limit:_:)`` inside the write.
    @discardableResult
    public func ids(in index: IndexDefinition, _ range: KeyRange = .all, after continuation: Continuation? = nil, limit: Int? = nil,
                    _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation? {
        try reader.ids(in: index, range, after: continuation, limit: limit, body)
    }

    /// ``TenantReader/records(_:in:_:after:limit:_:)`` inside the write.
    @discardableResult
    public func records<R: StoredRecord>(_ type: R.Type, in index: IndexDefinition, _ range: KeyRange = .all,
                                         after continuation: Continuation? = nil, limit: Int? = nil,
                                         _ body: (R) throws -> Bool) throws -> Continuation? {
        try reader.records(type, in: index, range, after: continuation, limit: limit, body)
    }

    /// ``TenantReader/entryCount(in:_:)`` inside the write.
    public func entryCount(in index: IndexDefinition, _ range: KeyRange) throws -> Int { try reader.entryCount(in: index, range) }

    /// ``TenantReader/lookup(_:_:)`` inside the write.
    public func lookup(_ index: IndexDefinition, _ key: Tuple) throws -> RecordID? { try reader.lookup(index, key) }

    // MARK: Count indexes

    /// ``TenantReader/count(_:_:)-(_,KeyBytes)`` inside the write, after the pending counts are written.
    public func count(_ index: IndexDefinition, _ key: KeyBytes) throws -> Int64 { try reader.count(index, key) }

    /// ``TenantReader/count(_:_:)-(_,Tuple)`` inside the write, after the pending counts are written.
    public func count(_ index: IndexDefinition, _ key: Tuple) throws -> Int64 { try reader.count(index, key) }

    /// ``TenantReader/countSum(_:_:)`` inside the write.
    public func countSum(_ index: IndexDefinition, _ range: KeyRange) throws -> Int64 { try reader.countSum(index, range) }

    /// ``TenantReader/counts(_:_:_:)`` inside the write.
    public func counts(_ index: IndexDefinition, _ range: KeyRange, _ body: (Tuple, Int64) throws -> Void) throws {
        try reader.counts(index, range, body)
    }

    // MARK: Dated count indexes

    /// ``TenantReader/datedCounts(_:group:in:)`` inside the write.
    public func datedCounts(_ index: IndexDefinition, group: Tuple, in range: DayRange) throws -> [Tuple: Int64] {
        try reader.datedCounts(index, group: group, in: range)
    }

    /// ``TenantReader/datedCounts(_:group:in:remainder:)`` inside the write.
    public func datedCounts(_ index: IndexDefinition, group: Tuple, in range: DayRange, remainder: inout [DayRange]) throws -> [Tuple: Int64] {
        try reader.datedCounts(index, group: group, in: range, remainder: &remainder)
    }

    /// ``TenantReader/datedCount(_:group:subgroup:in:)`` inside the write.
    public func datedCount(_ index: IndexDefinition, group: Tuple, subgroup: Tuple? = nil, in range: DayRange) throws -> Int64 {
        try reader.datedCount(index, group: group, subgroup: subgroup, in: range)
    }

    /// The dated count of a group and subgroup given as key bytes (see ``TenantReader``), inside the write.
    public func datedCount(_ index: IndexDefinition, group: KeyBytes, subgroup: KeyBytes, in range: DayRange,
                           remainder: inout [DayRange]) throws -> Int64 {
        try reader.datedCount(index, group: group, subgroup: subgroup, in: range, remainder: &remainder)
    }

    /// ``TenantReader/datedCount(_:group:subgroup:in:remainder:)`` inside the write.
    public func datedCount(_ index: IndexDefinition, group: Tuple, subgroup: Tuple? = nil, in range: DayRange,
                           remainder: inout [DayRange]) throws -> Int64 {
        try reader.datedCount(index, group: group, subgroup: subgroup, in: range, remainder: &remainder)
    }

    /// ``TenantReader/datedCountDifference(_:group:minus:subgroup:in:remainder:)`` inside the write.
    public func datedCountDifference(_ index: IndexDefinition, group: KeyBytes, minus other: KeyBytes, subgroup: KeyBytes, in range: DayRange,
                                     remainder: inout [DayRange]) throws -> Int64 {
        try reader.datedCountDifference(index, group: group, minus: other, subgroup: subgroup, in: range, remainder: &remainder)
    }

    /// ``TenantReader/datedCountsByCode(_:group:in:remainder:)`` inside the write.
    public func datedCountsByCode(_ index: IndexDefinition, group: KeyBytes, in range: DayRange, remainder: inout [DayRange]) throws -> [Int64: Int64] {
        try reader.datedCountsByCode(index, group: group, in: range, remainder: &remainder)
    }

    // MARK: Interval indexes

    /// ``TenantReader/intervals(_:_:on:_:)`` inside the write.
    public func intervals(_ index: IndexDefinition, _ groups: KeyRange, on day: Day, _ body: (IntervalHit) throws -> Void) throws {
        try reader.intervals(index, groups, on: day, body)
    }

    /// ``TenantReader/intervals(_:_:edge:in:_:)`` inside the write.
    public func intervals(_ index: IndexDefinition, _ groups: KeyRange, edge: IntervalEdge, in range: DayRange,
                          _ body: (IntervalHit) throws -> Void) throws {
        try reader.intervals(index, groups, edge: edge, in: range, body)
    }

    /// ``TenantReader/intervalCount(_:group:edge:in:)`` inside the write.
    public func intervalCount(_ index: IndexDefinition, group: KeyBytes, edge: IntervalEdge, in range: DayRange) throws -> Int {
        try reader.intervalCount(index, group: group, edge: edge, in: range)
    }

    // MARK: Sizes

    /// ``TenantReader/size(of:)`` inside the write.
    public func size(of index: IndexDefinition) throws -> IndexSize { try reader.size(of: index) }
}
