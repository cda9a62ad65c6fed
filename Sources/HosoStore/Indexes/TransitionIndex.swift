import LMDB

extension IndexDefinition.Kind {
    /// A day → the records whose day-dependent index entries (open "now") change that day:
    /// the engine re-indexes them when the tenant's current day passes it. A schema's
    /// ``RecordSchema/transitionIndex`` is kept as this kind whether it was declared `.value` or
    /// `.transition`.
    ///
    /// ```swift
    /// static let changes = IndexDefinition("changes", kind: .transition, key: "(day)")
    /// ```
    public static let transition = IndexDefinition.Kind(rawValue: "transition")
}

extension IndexQuestion {
    /// The records whose "current" entries change on a day of a range (what a clock advance
    /// re-indexes).
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .recordsChangingOnDay))   // [changes (transition)]
    /// ```
    public static let recordsChangingOnDay = IndexQuestion(
        "recordsChangingOnDay", "the records whose current entries change on a day of a range (re-indexed when the day passes)",
        readMethods: ["ids(in:_:after:limit:_:)"])
}

/// Keeps the transition index: stored as a value index keyed by `(day)`, read by the engine when
/// the tenant's day moves forward.
final class TransitionIndex: KeyedIndex, RunLoading {
    static let kind = IndexDefinition.Kind.transition
    static func keyLayout(for index: IndexDefinition) -> String { "(day)" }
    static func valueLayout(for index: IndexDefinition) -> String { ValueIndex.valueLayout(for: index) }
    static func questions(for index: IndexDefinition) -> [IndexQuestion] { [.recordsChangingOnDay, .recordsInKeyRange] }

    private let values: ValueIndex

    init(_ index: IndexDefinition, recordType: String, environment: Environment) throws {
        values = try ValueIndex(index, recordType: recordType, environment: environment)
    }

    var definition: IndexDefinition { values.definition }
    var recordType: String { values.recordType }
    var scope: String { values.scope }
    var storage: [IndexStorage] { values.storage }

    func update(_ id: RecordID, old: IndexEntries, new: IndexEntries, in session: WriteSession) throws {
        try values.update(id, old: old, new: new, in: session)
    }

    func runs(of batch: LoadBatch) -> [SortedRun] { values.runs(of: batch) }
    func write(_ runs: [SortedRun], in session: WriteSession) throws { try values.write(runs, in: session) }

    func ids(_ range: KeyRange, after continuation: Continuation?, limit: Int?, _ read: IndexRead,
             _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation? {
        try values.ids(range, after: continuation, limit: limit, read, body)
    }

    func lookup(_ key: [UInt8], _ read: IndexRead) throws -> RecordID? { try values.lookup(key, read) }

    /// The records whose entries change on a day after `day`, through `target`, in id order.
    func records(changingAfter day: Int32, through target: Int32, _ read: IndexRead) throws -> [RecordID] {
        var ids = Set<RecordID>()
        let range = KeyRange.between(Tuple([.int(Int64(day) + 1)]), Tuple([.int(Int64(target) + 1)]))
        _ = try values.ids(range, after: nil, limit: nil, read) { _, id in ids.insert(id); return true }
        return ids.sorted()
    }
}
