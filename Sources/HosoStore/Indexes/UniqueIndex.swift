import LMDB

extension IndexDefinition.Kind {
    /// A tuple key → exactly one id; a second record with the same key is refused before
    /// anything of its write lands.
    ///
    /// ```swift
    /// static let bySlug = IndexDefinition("slug", kind: .unique, key: "(slug)")
    /// ```
    public static let unique = IndexDefinition.Kind(rawValue: "unique")
}

extension IndexQuestion {
    /// The one record holding a key: one key read.
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .recordByKey))   // [slug (unique)]
    /// ```
    public static let recordByKey = IndexQuestion(
        "recordByKey", "the one record holding a key, in one key read", readMethods: ["lookup(_:_:)"])
}

/// Keeps a unique index: one LMDB database, key → the 8-byte big-endian id of the one record
/// holding it.
final class UniqueIndex: KeyedIndex, RunLoading {
    static let kind = IndexDefinition.Kind.unique
    static func keyLayout(for index: IndexDefinition) -> String { "tuple key, held by one record" }
    static func valueLayout(for index: IndexDefinition) -> String { "the id of the record holding it (8 bytes)" }
    static func questions(for index: IndexDefinition) -> [IndexQuestion] { [.recordByKey, .recordsInKeyRange] }

    let definition: IndexDefinition
    let recordType: String
    let scope: String
    let db: Database

    init(_ index: IndexDefinition, recordType: String, environment: Environment) throws {
        definition = index; self.recordType = recordType; scope = recordType + "." + index.name
        db = try environment.openDatabase("i.\(recordType).\(index.name)")
    }

    var storage: [IndexStorage] { [IndexStorage(label: scope, database: db, describeValue: KeyedIDs.describeID)] }

    func validate(_ id: RecordID, old: IndexEntries?, new: IndexEntries, in session: WriteSession) throws {
        for entry in new.values(of: entryID) {
            if let old, old.values.contains(entry) { continue }
            if let existing = try session.write.get(db, key: entry.bytes), FixedWidth.uint64(existing) != id {
                throw HosoError.uniqueViolation(index: scope, key: entry.bytes.tuple, existing: FixedWidth.uint64(existing), new: id)
            }
        }
    }

    func refusal(of id: RecordID, _ entries: IndexEntries, claimed: [IndexEntries.Key: RecordID],
                 in session: WriteSession) throws -> HosoError? {
        for v in entries.values(of: entryID) {
            if let other = claimed[v] { return .uniqueViolation(index: scope, key: v.bytes.tuple, existing: other, new: id) }
            if let existing = try session.write.get(db, key: v.bytes) {
                return .uniqueViolation(index: scope, key: v.bytes.tuple, existing: FixedWidth.uint64(existing), new: id)
            }
        }
        return nil
    }

    func claim(_ id: RecordID, _ entries: IndexEntries, claimed: inout [IndexEntries.Key: RecordID]) {
        for v in entries.values(of: entryID) { claimed[v] = id }
    }

    func update(_ id: RecordID, old: IndexEntries, new: IndexEntries, in session: WriteSession) throws {
        let before = old.values(of: entryID), after = new.values(of: entryID)
        if before.elementsEqual(after) { return }
        for e in before where !after.contains(e) { try session.write.delete(db, key: e.bytes) }
        try withUnsafeBytes(of: id.bigEndian) { idBytes in
            for e in after where !before.contains(e) { try session.write.put(db, key: e.bytes, value: idBytes) }
        }
    }

    func runs(of batch: LoadBatch) -> [SortedRun] { [KeyedIDs.loadRun(index: entryID, batch)] }

    func write(_ runs: [SortedRun], in session: WriteSession) throws {
        for run in runs { try KeyedIDs.write(run, to: db, oneIDPerKey: true, scope: scope, in: session) }
    }

    func ids(_ range: KeyRange, after continuation: Continuation?, limit: Int?, _ read: IndexRead,
             _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation? {
        try KeyedIDs.run(db, oneIDPerKey: true, scope: scope, range: range, after: continuation, limit: limit, read, body)
    }

    func lookup(_ key: [UInt8], _ read: IndexRead) throws -> RecordID? { try KeyedIDs.lookup(db, key, read) }
}
