/// One index of a record type.
///
/// Kinds (each kept by its maintainer in `Sources/HosoStore/Indexes/`):
/// - ``Kind/value``: a tuple key → the ids of the records that carry it; range and prefix scans.
/// - ``Kind/unique``: a tuple key → exactly one id; a second record with the same key is refused.
/// - ``Kind/count``: a tuple key → how many records carry it, kept exact on every write, so a
///   count is one key read (a prefix sum for a rollup).
/// - ``Kind/datedCount``: a group tuple, a day and a subgroup tuple → a count, bucketed by
///   year, month and day, so the count over any day range is a handful of short scans.
/// - ``Kind/interval``: a group tuple → intervals `[start, end)` of days per record, stored
///   sorted by start and by end, for "on day D" and "started/ended during P" questions.
/// - ``Kind/transition``: a day → the records whose day-dependent entries change that day
///   (a schema's ``RecordSchema/transitionIndex``).
///
/// ``questions`` says what an index of its kind answers; ``RecordSchema/indexDescriptions``
/// describes every index of a schema.
///
/// ```swift
/// static let byAuthor = IndexDefinition("author", kind: .value, key: "(author, written)")
/// ```
public final class IndexDefinition: Sendable, Hashable, CustomStringConvertible {
    /// A kind of index: the name of the maintainer that keeps it. The kinds are declared beside
    /// their maintainers (``value``, ``unique``, ``count``, ``datedCount``, ``interval``,
    /// ``transition``).
    ///
    /// ```swift
    /// let kinds: [IndexDefinition.Kind] = [.value, .datedCount]
    /// print(kinds.map(\.rawValue))          // ["value", "datedCount"]
    /// ```
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The kind's name, as `.indexes` and error messages show it.
        public let rawValue: String
        /// The kind named `rawValue`; a tenant refuses to open a schema with a kind it has no
        /// maintainer for.
        ///
        /// ```swift
        /// precondition(IndexDefinition.Kind(rawValue: "value") == .value)
        /// ```
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
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

    /// The questions an index of this kind answers (empty for a kind without a maintainer).
    ///
    /// ```swift
    /// let byDay = IndexDefinition("per_day", kind: .datedCount)
    /// precondition(byDay.questions.contains(.countOverDays))
    /// ```
    public var questions: [IndexQuestion] {
        IndexRegistry.maintainer(for: kind).map { $0.questions(for: self) } ?? []
    }

    public static func == (a: IndexDefinition, b: IndexDefinition) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { "\(name) (\(kind.rawValue))" }
}
