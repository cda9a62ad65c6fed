/// The index entries of one record, collected by ``StoredRecord/indexEntries(_:context:)``.
///
/// Keys can be given as ``Tuple``s (convenient) or built as ``KeyBytes`` (no allocation; the
/// write path of bulk loads):
///
/// ```swift
/// var entries = IndexEntries()
/// let june2 = Day(year: 2025, month: 6, day: 2)!.rawValue
/// entries.value(Note.byAuthor, ["ana", .int(Int64(june2))])
/// entries.count(Note.perAuthorTag, KeyBytes { $0.append("ana"); $0.append("idea") })
/// entries.dated(Note.perDay, group: ["ana"], day: june2, subgroup: ["idea"])
/// entries.interval(Note.openSpans, group: ["ana"], start: june2, end: .max)
/// ```
public struct IndexEntries: Sendable {
    struct Key: Hashable, Sendable {
        let index: ObjectIdentifier
        let bytes: KeyBytes
    }
    struct Dated: Hashable, Sendable {
        let index: ObjectIdentifier
        let group: KeyBytes
        let day: Int32
        let subgroup: KeyBytes
    }
    struct Interval: Hashable, Sendable {
        let index: ObjectIdentifier
        let group: KeyBytes
        let start: Int32
        let end: Int32
    }

    var values: [Key] = []
    var counts: [(Key, Int64)] = []
    var dated: [(Dated, Int64)] = []
    var intervals: [Interval] = []

    /// An empty set.
    public init() {}

    /// Adds a value or unique index entry.
    public mutating func value(_ index: IndexDefinition, _ key: Tuple) { value(index, KeyBytes(key)) }
    /// Adds a value or unique index entry.
    public mutating func value(_ index: IndexDefinition, _ key: KeyBytes) {
        values.append(Key(index: ObjectIdentifier(index), bytes: key))
    }
    /// Adds `delta` (usually 1) to a count index key.
    public mutating func count(_ index: IndexDefinition, _ key: Tuple, _ delta: Int64 = 1) { count(index, KeyBytes(key), delta) }
    /// Adds `delta` (usually 1) to a count index key.
    public mutating func count(_ index: IndexDefinition, _ key: KeyBytes, _ delta: Int64 = 1) {
        counts.append((Key(index: ObjectIdentifier(index), bytes: key), delta))
    }
    /// Adds `delta` to a dated count: `group` on `day`, broken down by `subgroup`.
    public mutating func dated(_ index: IndexDefinition, group: Tuple, day: Int32, subgroup: Tuple = [], _ delta: Int64 = 1) {
        dated(index, group: KeyBytes(group), day: day, subgroup: KeyBytes(subgroup), delta)
    }
    /// Adds `delta` to a dated count: `group` on `day`, broken down by `subgroup`.
    public mutating func dated(_ index: IndexDefinition, group: KeyBytes, day: Int32, subgroup: KeyBytes, _ delta: Int64 = 1) {
        dated.append((Dated(index: ObjectIdentifier(index), group: group, day: day, subgroup: subgroup), delta))
    }
    /// Adds an interval `[start, end)` of days under `group`; use `Int32.max` for an open end.
    public mutating func interval(_ index: IndexDefinition, group: Tuple, start: Int32, end: Int32) {
        interval(index, group: KeyBytes(group), start: start, end: end)
    }
    /// Adds an interval `[start, end)` of days under `group`; use `Int32.max` for an open end.
    public mutating func interval(_ index: IndexDefinition, group: KeyBytes, start: Int32, end: Int32) {
        intervals.append(Interval(index: ObjectIdentifier(index), group: group, start: start, end: end))
    }
}
