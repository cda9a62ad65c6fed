import LMDB

extension IndexDefinition.Kind {
    /// A tuple key → the ids of the records that carry it (sorted duplicates of the key): range
    /// and prefix scans.
    ///
    /// ```swift
    /// static let byAuthor = IndexDefinition("author", kind: .value, key: "(author, written)")
    /// ```
    public static let value = IndexDefinition.Kind(rawValue: "value")
}

extension IndexQuestion {
    /// The records whose key lies in a range, under a prefix or is exactly a key, in key then id
    /// order, paged with continuations.
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .recordsInKeyRange).map(\.name))   // ["author", "slug", "open_now", "changes"]
    /// ```
    public static let recordsInKeyRange = IndexQuestion(
        "recordsInKeyRange", "the records whose key lies in a range or under a prefix, in key then id order, paged",
        readMethods: ["ids(in:_:after:limit:_:)", "records(_:in:_:after:limit:_:)", "entryCount(in:_:)"])
}

/// Keeps a value index: one LMDB database, DUPSORT/DUPFIXED, key → 8-byte big-endian ids.
final class ValueIndex: KeyedIndex, RunLoading {
    static let kind = IndexDefinition.Kind.value
    static func keyLayout(for index: IndexDefinition) -> String { "tuple key" }
    static func valueLayout(for index: IndexDefinition) -> String { "the ids of the records carrying it (8 bytes each, sorted)" }
    static func questions(for index: IndexDefinition) -> [IndexQuestion] { [.recordsInKeyRange] }

    let definition: IndexDefinition
    let recordType: String
    let scope: String
    let db: Database

    init(_ index: IndexDefinition, recordType: String, environment: Environment) throws {
        definition = index; self.recordType = recordType; scope = recordType + "." + index.name
        db = try environment.openDatabase("i.\(recordType).\(index.name)", flags: [.create, .dupSort, .dupFixed])
    }

    var storage: [IndexStorage] { [IndexStorage(label: scope, database: db, describeValue: KeyedIDs.describeID)] }

    func update(_ id: RecordID, old: IndexEntries, new: IndexEntries, in session: WriteSession) throws {
        let before = old.values(of: entryID), after = new.values(of: entryID)
        if before.elementsEqual(after) { return }
        try withUnsafeBytes(of: id.bigEndian) { idBytes in
            for e in before where !after.contains(e) { try session.write.delete(db, key: e.bytes, value: idBytes) }
            for e in after where !before.contains(e) { try session.write.put(db, key: e.bytes, value: idBytes, flags: .noDupData) }
        }
    }

    func runs(of batch: LoadBatch) -> [SortedRun] { [KeyedIDs.loadRun(index: entryID, batch)] }

    func write(_ runs: [SortedRun], in session: WriteSession) throws {
        for run in runs { try KeyedIDs.write(run, to: db, oneIDPerKey: false, scope: scope, in: session) }
    }

    func ids(_ range: KeyRange, after continuation: Continuation?, limit: Int?, _ read: IndexRead,
             _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation? {
        try KeyedIDs.run(db, oneIDPerKey: false, scope: scope, range: range, after: continuation, limit: limit, read, body)
    }

    func lookup(_ key: [UInt8], _ read: IndexRead) throws -> RecordID? { try KeyedIDs.lookup(db, key, read) }
}
