import LMDB

/// One index kind's knowledge, after FoundationDB Record Layer's `IndexMaintainer`: its
/// databases and their key and value layout, how a record change updates it, how a bulk load
/// fills it, its scans and its size. One final class per kind, each in its own file of this
/// folder, registered in ``IndexRegistry``; a tenant holds one instance per index of its schema.
///
/// The engine never branches on an index's kind: tenant open, writes, bulk loads, rebuilds,
/// verify and reads go through these methods (reads through a kind's own scan methods, reached
/// by ``TenantReader/open(_:as:_:)``).
///
/// Every record change hands each maintainer the record's whole old and new
/// ``IndexEntries``; a maintainer picks its own entries by the index's identity.
protocol IndexMaintainer: AnyObject, Sendable {
    /// The kind this maintainer keeps.
    static var kind: IndexDefinition.Kind { get }
    /// Suffixes of its databases' names after `i.TYPE.INDEX`, in ``storage`` order.
    static var databaseSuffixes: [String] { get }
    /// How keys are laid out, for people.
    static func keyLayout(for index: IndexDefinition) -> String
    /// What a key maps to, for people.
    static func valueLayout(for index: IndexDefinition) -> String
    /// The questions an index of this kind answers.
    static func questions(for index: IndexDefinition) -> [IndexQuestion]
    /// Whether a write accumulates this index's changes and writes them at flush time: its
    /// reads inside a write then flush them first (``ReadScope/open(_:)``).
    static var keepsPendingCounts: Bool { get }
    /// The layout version of its databases (1 unless a kind changed its layout): an index
    /// built with an older one is rebuilt when the tenant opens (``TenantCore/buildMissingIndexes(principal:)``).
    static var formatVersion: UInt8 { get }

    /// Opens (creating when missing) the index's databases.
    init(_ index: IndexDefinition, recordType: String, environment: Environment) throws

    /// The index kept.
    var definition: IndexDefinition { get }
    /// The record type it belongs to.
    var recordType: String { get }
    /// `TYPE.INDEX`: its name in errors, verify reports and continuation tokens.
    var scope: String { get }
    /// Its databases with their labels, for verify, describe and rebuilds. Reading them
    /// directly bypasses pending counts: queries go through the kind's scans.
    var storage: [IndexStorage] { get }

    /// Refuses a record change before anything of it is written (a unique key held by another
    /// record). `old` is nil for a new record.
    func validate(_ id: RecordID, old: IndexEntries?, new: IndexEntries, in session: WriteSession) throws
    /// Why a bulk-loaded record cannot be stored now (a unique key held in the tenant or by an
    /// earlier record of the batch, noted in `claimed`), or nil.
    func refusal(of id: RecordID, _ entries: IndexEntries, claimed: [IndexEntries.Key: RecordID],
                 in session: WriteSession) throws -> HosoError?
    /// Notes the keys an accepted bulk-loaded record holds, for ``refusal(of:_:claimed:in:)``
    /// of the records after it.
    func claim(_ id: RecordID, _ entries: IndexEntries, claimed: inout [IndexEntries.Key: RecordID])
    /// Updates the index for record `id`, whose entries were `old` and are `new`.
    func update(_ id: RecordID, old: IndexEntries, new: IndexEntries, in session: WriteSession) throws
    /// Adds the entries of a batch of new records appended in id order.
    func load(_ batch: LoadBatch, in session: WriteSession) throws
    /// Entries and bytes, from page statistics.
    func size(_ read: IndexRead) throws -> IndexSize
}

extension IndexMaintainer {
    /// Opens the maintainer of `index` (callable on an `any IndexMaintainer.Type`).
    static func open(_ index: IndexDefinition, recordType: String, environment: Environment) throws -> any IndexMaintainer {
        try Self(index, recordType: recordType, environment: environment)
    }

    static var keepsPendingCounts: Bool { false }
    static var formatVersion: UInt8 { 1 }
    static var databaseSuffixes: [String] { [""] }

    func validate(_ id: RecordID, old: IndexEntries?, new: IndexEntries, in session: WriteSession) throws {}

    func refusal(of id: RecordID, _ entries: IndexEntries, claimed: [IndexEntries.Key: RecordID],
                 in session: WriteSession) throws -> HosoError? { nil }

    func claim(_ id: RecordID, _ entries: IndexEntries, claimed: inout [IndexEntries.Key: RecordID]) {}

    func size(_ read: IndexRead) throws -> IndexSize {
        var size = IndexSize(entries: 0, bytes: 0)
        for (i, s) in storage.enumerated() {
            let stats = try read.txn.statistics(s.database)
            if i == 0 { size.entries = stats.entries }
            size.bytes += stats.bytes
        }
        return size
    }

    /// The identity records use for this index in their ``IndexEntries``.
    var entryID: ObjectIdentifier { ObjectIdentifier(definition) }
}

/// One database of an index, as verify compares it and describe sizes it.
struct IndexStorage {
    /// `TYPE.INDEX`, with `.end` for the end-sorted copy of an interval index.
    let label: String
    /// The database.
    let database: Database
    /// A stored value, for people (a count, an id, an interval).
    let describeValue: (UnsafeRawBufferPointer) -> String
}

/// A maintainer whose bulk load only adds to pending counts (count, dated and running count
/// indexes): it touches no database while loading, so a bulk batch runs these loads on a
/// second core while the other maintainers write (`WriteSession.loadIndexes`).
protocol PendingCountLoading: IndexMaintainer {
    /// Adds the count changes of a batch of new records to `pending`.
    func load(_ batch: LoadBatch, into pending: inout PendingCounts)
}

extension PendingCountLoading {
    func load(_ batch: LoadBatch, in session: WriteSession) throws { load(batch, into: &session.pending) }
}

/// The entries of a batch of new records of one type, in id order, for ``IndexMaintainer/load(_:in:)``.
struct LoadBatch: Sendable {
    /// Where one entry sits: the record's place in the batch, the entry's among the record's
    /// entries of its kind (values, counts, dated counts or intervals).
    typealias ValueRef = (record: Int32, value: Int32)

    let ids: [RecordID]
    let entries: [IndexEntries]
    /// The entries of each index, kind by kind, found in one pass over the batch (not one per
    /// index, which would copy every entry of every record once per index of its kind). The
    /// value entries go straight into each index's run (key → id), in record then emission
    /// order: each record's values are read once, not once per index.
    private let valueRuns: [(index: ObjectIdentifier, run: SortedRun)]
    private let countLists: RefLists
    private let datedLists: RefLists
    private let intervalLists: RefLists

    init(ids: [RecordID], entries: [IndexEntries]) {
        self.ids = ids
        self.entries = entries
        var runs: [(index: ObjectIdentifier, run: SortedRun)] = []
        var last = 0
        for i in entries.indices {
            let id = ids[i]
            for v in entries[i].values {
                if last >= runs.count || runs[last].index != v.index {
                    if let found = runs.firstIndex(where: { $0.index == v.index }) { last = found }
                    else { runs.append((v.index, SortedRun(valueWidth: 8, capacity: entries.count))); last = runs.count - 1 }
                }
                runs[last].run.append(key: v.bytes) { FixedWidth.append(id, to: &$0) }
            }
        }
        valueRuns = runs
        countLists = RefLists(entries, count: { $0.counts.count }, index: { $0.counts[$1].0.index })
        datedLists = RefLists(entries, count: { $0.dated.count }, index: { $0.dated[$1].0.index })
        intervalLists = RefLists(entries, count: { $0.intervals.count }, index: { $0.intervals[$1].index })
    }

    /// The value entries of index `index` as a run of key → id, in record then emission order
    /// (not yet sorted).
    func valueRun(of index: ObjectIdentifier) -> SortedRun { valueRuns.first { $0.index == index }?.run ?? SortedRun(valueWidth: 8) }
    /// The count entries of index `index`, in record then emission order.
    func countRefs(of index: ObjectIdentifier) -> [ValueRef] { countLists.refs(of: index) }
    /// The dated entries of index `index`, in record then emission order.
    func datedRefs(of index: ObjectIdentifier) -> [ValueRef] { datedLists.refs(of: index) }
    /// The interval entries of index `index`, in record then emission order.
    func intervalRefs(of index: ObjectIdentifier) -> [ValueRef] { intervalLists.refs(of: index) }

    /// The entries of one kind, listed per index: a schema has a handful of indexes, so a list
    /// searched from the last one hit.
    private struct RefLists: Sendable {
        let lists: [(index: ObjectIdentifier, refs: [ValueRef])]

        @inline(__always)
        init(_ entries: [IndexEntries], count: (IndexEntries) -> Int, index: (IndexEntries, Int) -> ObjectIdentifier) {
            var lists: [(index: ObjectIdentifier, refs: [ValueRef])] = []
            var last = 0
            for i in entries.indices {
                for j in 0..<count(entries[i]) {
                    let id = index(entries[i], j)
                    if last >= lists.count || lists[last].index != id {
                        if let found = lists.firstIndex(where: { $0.index == id }) { last = found }
                        else { lists.append((id, [])); last = lists.count - 1 }
                    }
                    lists[last].refs.append((Int32(i), Int32(j)))
                }
            }
            self.lists = lists
        }

        func refs(of index: ObjectIdentifier) -> [ValueRef] { lists.first { $0.index == index }?.refs ?? [] }
    }
}

extension IndexEntries {
    /// Value entries of one index, in the order the record emitted them.
    @inline(__always)
    func values(of index: ObjectIdentifier) -> LazyFilterSequence<[Key]> { values.lazy.filter { $0.index == index } }
    /// Count entries of one index.
    @inline(__always)
    func counts(of index: ObjectIdentifier) -> LazyFilterSequence<[(Key, Int64)]> { counts.lazy.filter { $0.0.index == index } }
    /// Dated entries of one index.
    @inline(__always)
    func dated(of index: ObjectIdentifier) -> LazyFilterSequence<[(Dated, Int64)]> { dated.lazy.filter { $0.0.index == index } }
    /// Interval entries of one index.
    @inline(__always)
    func intervals(of index: ObjectIdentifier) -> LazyFilterSequence<[Interval]> { intervals.lazy.filter { $0.index == index } }
}
