/// The index entries of one record, collected by ``StoredRecord/indexEntries(_:context:)``.
///
/// ```swift
/// entries.value(Self.byCommune, [20, .int(commune)])
/// entries.count(Self.perCommuneStatus, [20, .int(commune), .int(status)])
/// entries.dated(Self.eventsPerDay, group: [.int(commune)], day: date, subgroup: [.int(kind)])
/// entries.interval(Self.statusIntervals, group: [.int(status), .int(commune)], start: from, end: to)
/// ```
public struct IndexEntries: Sendable {
    struct Key: Hashable, Sendable {
        let index: ObjectIdentifier
        let bytes: [UInt8]
    }
    struct Dated: Hashable, Sendable {
        let index: ObjectIdentifier
        let group: [UInt8]
        let day: Int32
        let subgroup: [UInt8]
    }
    struct Interval: Hashable, Sendable {
        let index: ObjectIdentifier
        let group: [UInt8]
        let start: Int32
        let end: Int32
    }

    var values: [Key] = []
    var counts: [Key: Int64] = [:]
    var dated: [Dated: Int64] = [:]
    var intervals: [Interval] = []

    /// An empty set.
    public init() {}

    /// Adds a value or unique index entry.
    public mutating func value(_ index: IndexDefinition, _ key: Tuple) { value(index, encoded: key.encoded) }
    /// Adds a value or unique index entry from already-encoded tuple bytes.
    public mutating func value(_ index: IndexDefinition, encoded key: [UInt8]) {
        values.append(Key(index: ObjectIdentifier(index), bytes: key))
    }
    /// Adds `delta` (usually 1) to a count index key.
    public mutating func count(_ index: IndexDefinition, _ key: Tuple, _ delta: Int64 = 1) {
        counts[Key(index: ObjectIdentifier(index), bytes: key.encoded), default: 0] += delta
    }
    /// Adds `delta` to a dated count: `group` on `day`, broken down by `subgroup`.
    public mutating func dated(_ index: IndexDefinition, group: Tuple, day: Int32, subgroup: Tuple = [], _ delta: Int64 = 1) {
        dated[Dated(index: ObjectIdentifier(index), group: group.encoded, day: day, subgroup: subgroup.encoded), default: 0] += delta
    }
    /// Adds an interval `[start, end)` of days under `group`; use `Int32.max` for an open end.
    public mutating func interval(_ index: IndexDefinition, group: Tuple, start: Int32, end: Int32) {
        intervals.append(Interval(index: ObjectIdentifier(index), group: group.encoded, start: start, end: end))
    }

    /// Drops every entry that does not belong to index `only`.
    mutating func keep(only: ObjectIdentifier) {
        values.removeAll { $0.index != only }
        counts = counts.filter { $0.key.index == only }
        dated = dated.filter { $0.key.index == only }
        intervals.removeAll { $0.index != only }
    }
}
