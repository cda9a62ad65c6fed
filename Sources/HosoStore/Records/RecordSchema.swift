/// A record type's name, format version and indexes, plus type-erased entry points the engine
/// uses when it must re-index records it did not receive (clock advances, rebuilds, replays).
///
/// ```swift
/// let schema = RecordSchema(Note.self, name: "note", indexes: [Note.byAuthor, Note.bySlug])
/// print(schema.name, schema.indexes.map(\.name))   // note ["author", "slug"]
/// ```
public struct RecordSchema: Sendable {
    /// The type's name, used for its databases and in errors (`note`).
    public let name: String
    /// The format version written as each record's first byte.
    public let formatVersion: UInt8
    /// The indexes the engine maintains.
    public let indexes: [IndexDefinition]
    /// A value index keyed by `(day)` listing records whose entries change on that day; the
    /// engine re-indexes them when the tenant's day passes it. Either named here or declared
    /// with kind ``IndexDefinition/Kind/transition``.
    public let transitionIndex: IndexDefinition?
    /// The largest encoded record accepted, in bytes.
    public let maximumRecordSize: Int
    let entriesOf: @Sendable (RecordID, UnsafeRawBufferPointer, IndexContext) throws(HosoError) -> IndexEntries
    /// A stored record's bytes in the form the change log keeps after its deletion
    /// (``StoredRecord/redactedForDeletion()``).
    let redactedOf: @Sendable (RecordID, UnsafeRawBufferPointer) throws(HosoError) -> [UInt8]
    /// A stored record decoded as its type, behind the existential (a ``RecordGate`` judging an
    /// index entry's record).
    let decodedOf: @Sendable (RecordID, UnsafeRawBufferPointer) throws(HosoError) -> any StoredRecord

    /// Describes record type `type`.
    public init<R: StoredRecord>(_ type: R.Type, name: String, formatVersion: UInt8 = 1, indexes: [IndexDefinition],
                                 transitionIndex: IndexDefinition? = nil, maximumRecordSize: Int = 1 << 20) {
        precondition(!name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "record type names are alphanumeric")
        precondition(Set(indexes.map(\.name)).count == indexes.count, "index names must be unique within \(name)")
        let declared = indexes.filter { $0.kind == .transition }
        precondition(declared.count <= 1, "\(name) declares more than one transition index")
        let transition = transitionIndex ?? declared.first
        if let transition {
            precondition(indexes.contains(transition) && (transition.kind == .value || transition.kind == .transition),
                         "the transition index must be one of the value indexes")
            precondition(declared.isEmpty || declared[0] === transition, "\(name) names two transition indexes")
        }
        self.name = name; self.formatVersion = formatVersion; self.indexes = indexes
        self.transitionIndex = transition; self.maximumRecordSize = maximumRecordSize
        self.entriesOf = { (id, bytes, context) throws(HosoError) in
            var entries = IndexEntries()
            try R.decode(id: id, bytes).indexEntries(&entries, context: context)
            return entries
        }
        self.redactedOf = { (id, bytes) throws(HosoError) in try R.decode(id: id, bytes).redactedForDeletion().encoded() }
        self.decodedOf = { (id, bytes) throws(HosoError) in try R.decode(id: id, bytes) }
    }

    /// The index named `name`.
    public func index(named name: String) -> IndexDefinition? { indexes.first { $0.name == name } }

    /// What each index of the type answers (its kind as kept here, key and value layout,
    /// databases and questions), in schema order: what a shell's `.indexes` lists and what a
    /// planner chooses from.
    ///
    /// ```swift
    /// for d in Note.schema.indexDescriptions { print(d) }
    /// ```
    public var indexDescriptions: [IndexDescription] {
        indexes.compactMap { index in
            IndexRegistry.maintainer(for: index, in: self).map { IndexDescription(recordType: name, index: index, maintainer: $0) }
        }
    }

    /// The indexes of the type that answer `question`, in schema order.
    ///
    /// ```swift
    /// print(Note.schema.indexes(answering: .countOverDays))   // [per_day (datedCount)]
    /// ```
    public func indexes(answering question: IndexQuestion) -> [IndexDefinition] {
        indexDescriptions.filter { $0.questions.contains(question) }.map(\.index)
    }
}

/// The set of record types a tenant is opened with.
///
/// ```swift
/// let schema = Schema([Note.schema])
/// print(schema.recordType(named: "note")?.indexes.count ?? 0)   // 7
/// ```
public struct Schema: Sendable {
    /// The record types.
    public let recordTypes: [RecordSchema]
    /// Creates a schema; record type names must be unique.
    public init(_ recordTypes: [RecordSchema]) {
        precondition(Set(recordTypes.map(\.name)).count == recordTypes.count, "record type names must be unique")
        self.recordTypes = recordTypes
    }
    /// The record type named `name`.
    public func recordType(named name: String) -> RecordSchema? { recordTypes.first { $0.name == name } }

    /// Every index of every record type, described (see ``RecordSchema/indexDescriptions``).
    ///
    /// ```swift
    /// for d in Schema([Note.schema]).indexDescriptions { print(d.recordType, d.name, d.questions.map(\.name)) }
    /// ```
    public var indexDescriptions: [IndexDescription] { recordTypes.flatMap(\.indexDescriptions) }
}
