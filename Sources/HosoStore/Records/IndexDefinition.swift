/// One index of a record type.
///
/// Kinds:
/// - ``Kind/value``: a tuple key → the ids of the records that carry it; range and prefix scans.
/// - ``Kind/unique``: a tuple key → exactly one id; a second record with the same key is refused.
/// - ``Kind/count``: a tuple key → how many records carry it, kept exact on every write, so a
///   count is one key read (a prefix sum for a rollup).
/// - ``Kind/datedCount``: a group tuple, a day and a subgroup tuple → a count, bucketed by
///   year, month and day, so the count over any day range is a handful of short scans.
/// - ``Kind/interval``: a group tuple → intervals `[start, end)` of days per record, stored
///   sorted by start and by end, for "on day D" and "started/ended during P" questions.
///
/// ```swift
/// static let byAuthor = IndexDefinition("author", kind: .value)
/// ```
public final class IndexDefinition: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of index.
    public enum Kind: String, Sendable, Hashable {
        case value, unique, count, datedCount, interval
    }
    /// The index's name, unique within its record type.
    public let name: String
    /// Its kind.
    public let kind: Kind
    /// What the key holds, for people reading `.indexes`.
    public let keyDescription: String
    /// The finest bucket a dated count index keeps. An index of months only is much smaller
    /// (most day buckets hold one or two records); questions about days inside a month then
    /// get the uncovered days back (`remainder:`) to answer from another index.
    public let finest: Granularity

    /// Buckets of a dated count index.
    public enum Granularity: Sendable, Hashable { case day, month }

    /// Defines an index.
    public init(_ name: String, kind: Kind, key keyDescription: String = "", finest: Granularity = .day) {
        self.name = name; self.kind = kind; self.keyDescription = keyDescription; self.finest = finest
    }

    public static func == (a: IndexDefinition, b: IndexDefinition) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { "\(name) (\(kind.rawValue))" }
}

/// A record type's name, format version and indexes, plus type-erased entry points the engine
/// uses when it must re-index records it did not receive (clock advances, rebuilds).
public struct RecordSchema: Sendable {
    /// The type's name, used for its databases and in errors (`note`, `item`).
    public let name: String
    /// The format version written as each record's first byte.
    public let formatVersion: UInt8
    /// The indexes the engine maintains.
    public let indexes: [IndexDefinition]
    /// A value index keyed by `(day)` listing records whose entries change on that day; the
    /// engine re-indexes them when the tenant's day passes it.
    public let transitionIndex: IndexDefinition?
    /// The largest encoded record accepted, in bytes.
    public let maximumRecordSize: Int
    let entriesOf: @Sendable (RecordID, UnsafeRawBufferPointer, IndexContext) throws(HosoError) -> IndexEntries

    /// Describes record type `type`.
    public init<R: StoredRecord>(_ type: R.Type, name: String, formatVersion: UInt8 = 1, indexes: [IndexDefinition],
                                 transitionIndex: IndexDefinition? = nil, maximumRecordSize: Int = 1 << 20) {
        precondition(!name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "record type names are alphanumeric")
        precondition(Set(indexes.map(\.name)).count == indexes.count, "index names must be unique within \(name)")
        if let transitionIndex { precondition(indexes.contains(transitionIndex) && transitionIndex.kind == .value, "the transition index must be one of the value indexes") }
        self.name = name; self.formatVersion = formatVersion; self.indexes = indexes
        self.transitionIndex = transitionIndex; self.maximumRecordSize = maximumRecordSize
        self.entriesOf = { (id, bytes, context) throws(HosoError) in
            var entries = IndexEntries()
            try R.decode(id: id, bytes).indexEntries(&entries, context: context)
            return entries
        }
    }

    /// The index named `name`.
    public func index(named name: String) -> IndexDefinition? { indexes.first { $0.name == name } }
}

/// The set of record types a tenant is opened with.
///
/// ```swift
/// let schema = Schema([Note.schema, Item.schema])
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
}
