/// A question an index can answer, with the ``TenantReader`` methods that ask it. Each index
/// kind declares the questions it serves beside its maintainer (``recordsInKeyRange``,
/// ``recordByKey``, ``countByKey``, ``countOverDays``, ``intervalsOnDay``,
/// ``intervalsByEdge``, ``recordsChangingOnDay``); a planner picks an index by asking
/// ``RecordSchema/indexes(answering:)``.
///
/// ```swift
/// let q = IndexQuestion.countOverDays
/// print(q.name, q.readMethods[0])   // countOverDays datedCount(_:group:subgroup:in:)
/// ```
public struct IndexQuestion: Sendable, Hashable, CustomStringConvertible {
    /// A stable identifier (`countOverDays`).
    public let name: String
    /// What it answers, for people.
    public let summary: String
    /// The reader methods that ask it, as DocC names them (`count(_:_:)`).
    public let readMethods: [String]

    init(_ name: String, _ summary: String, readMethods: [String]) {
        self.name = name; self.summary = summary; self.readMethods = readMethods
    }

    public static func == (a: IndexQuestion, b: IndexQuestion) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    public var description: String { "\(name): \(summary)" }
}

/// What one index of a schema is and answers: its kind as the tenant keeps it, its key and
/// value layout, the databases holding it and the questions it serves. A shell's `.indexes` and
/// `EXPLAIN`, or a planner, read these instead of naming indexes by hand.
///
/// ```swift
/// for d in schema.indexDescriptions where d.questions.contains(.countOverDays) {
///     print("\(d.recordType).\(d.name): \(d.keyLayout) → \(d.valueLayout)")
/// }
/// ```
public struct IndexDescription: Sendable, Hashable, CustomStringConvertible {
    /// The record type the index belongs to.
    public let recordType: String
    /// The index.
    public let index: IndexDefinition
    /// The index's name.
    public var name: String { index.name }
    /// The kind of maintainer that keeps it: the definition's kind, or
    /// ``IndexDefinition/Kind/transition`` for the schema's transition index.
    public let kind: IndexDefinition.Kind
    /// What the key holds: the definition's ``IndexDefinition/keyDescription`` followed by how
    /// the kind lays keys out.
    public let keyLayout: String
    /// What each key maps to, as stored.
    public let valueLayout: String
    /// The LMDB databases holding it (`i.TYPE.INDEX`, with `.start` / `.end` for intervals).
    public let databases: [String]
    /// The questions it answers.
    public let questions: [IndexQuestion]

    init(recordType: String, index: IndexDefinition, maintainer: any IndexMaintainer.Type) {
        self.recordType = recordType; self.index = index; self.kind = maintainer.kind
        let logical = index.keyDescription.isEmpty ? "" : index.keyDescription + "; "
        keyLayout = logical + maintainer.keyLayout(for: index)
        valueLayout = maintainer.valueLayout(for: index)
        databases = maintainer.databaseSuffixes.map { "i.\(recordType).\(index.name)" + $0 }
        questions = maintainer.questions(for: index)
    }

    public var description: String {
        "\(recordType).\(name) (\(kind)): key \(keyLayout) → \(valueLayout); answers "
            + questions.map(\.summary).joined(separator: "; ")
    }
}

/// How big an index is, from LMDB's page statistics of its databases (no scan).
///
/// ```swift
/// let size = try tenant.read { try $0.size(of: Note.byAuthor) }
/// print(size.entries)   // 3
/// ```
public struct IndexSize: Sendable, Hashable {
    /// Entries: (key, id) pairs of a value index, keys of a unique or count index, buckets of a
    /// dated count index, intervals of an interval index.
    public var entries: Int
    /// Bytes of the pages of all its databases.
    public var bytes: Int
}
