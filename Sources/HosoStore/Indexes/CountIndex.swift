import LMDB

extension IndexDefinition.Kind {
    /// A tuple key → how many records carry it, kept exact on every write, so a count is one
    /// key read and a rollup a short prefix scan.
    ///
    /// ```swift
    /// static let perAuthorTag = IndexDefinition("per_author_tag", kind: .count, key: "(author, tag)")
    /// ```
    public static let count = IndexDefinition.Kind(rawValue: "count")
}

extension IndexQuestion {
    /// How many records carry a key (one key read), or the sum over a key range or prefix (a
    /// rollup, a short range scan).
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .countByKey))   // [per_author_tag (count)]
    /// ```
    public static let countByKey = IndexQuestion(
        "countByKey", "how many records carry a key (one key read), or the sum over a prefix or range (a rollup)",
        readMethods: ["count(_:_:)", "countSum(_:_:)", "counts(_:_:_:)"])
}

/// Keeps a count index: one LMDB database, key → a little-endian signed 64-bit count; keys whose
/// count reaches zero are deleted. Writes add to ``PendingCounts``, flushed once per key.
final class CountIndex: PendingCountLoading {
    static let kind = IndexDefinition.Kind.count
    static let keepsPendingCounts = true
    static func keyLayout(for index: IndexDefinition) -> String { "tuple key" }
    static func valueLayout(for index: IndexDefinition) -> String { "how many records carry it (8-byte count; absent when 0)" }
    static func questions(for index: IndexDefinition) -> [IndexQuestion] { [.countByKey] }

    let definition: IndexDefinition
    let recordType: String
    let scope: String
    let db: Database

    init(_ index: IndexDefinition, recordType: String, environment: Environment) throws {
        definition = index; self.recordType = recordType; scope = recordType + "." + index.name
        db = try environment.openDatabase("i.\(recordType).\(index.name)")
    }

    var storage: [IndexStorage] {
        [IndexStorage(label: scope, database: db, describeValue: { String(FixedWidth.counter($0)) })]
    }

    func update(_ id: RecordID, old: IndexEntries, new: IndexEntries, in session: WriteSession) throws {
        let before = old.counts(of: entryID), after = new.counts(of: entryID)
        if before.elementsEqual(after, by: { $0.0 == $1.0 && $0.1 == $1.1 }) { return }
        for (k, v) in before { session.pending.add(db.dbi, k.bytes, -v) }
        for (k, v) in after { session.pending.add(db.dbi, k.bytes, v) }
    }

    func load(_ batch: LoadBatch, into pending: inout PendingCounts) {
        let dbi = db.dbi
        for ref in batch.countRefs(of: entryID) {
            let (k, n) = batch.entries[Int(ref.record)].counts[Int(ref.value)]
            pending.add(dbi, k.bytes, n)
        }
    }

    /// The count stored under exactly `key`.
    func count(_ key: KeyBytes, _ read: IndexRead) throws -> Int64 {
        try read.txn.get(db, key: key).map { FixedWidth.counter($0) } ?? 0
    }

    /// Visits every key in `range` with its count, in key order.
    func counts(_ range: KeyRange, _ read: IndexRead, _ body: (Tuple, Int64) throws -> Void) throws {
        let (lower, upper) = range.bounds
        let cursor = try read.txn.cursor(db)
        var entry = try cursor.seek(atLeast: lower)
        while let e = entry {
            if let upper, e.key.compare(upper) >= 0 { break }
            try body(try Tuple.decode(e.key), FixedWidth.counter(e.value))
            entry = try cursor.next()
        }
    }
}
