/// What a ``Principal`` may see of the records of one type, decided record by record and index
/// key by index key: the part of an ``AccessPolicy`` that looks at the data, not only at the
/// operation. A policy hands one out from ``AccessPolicy/gate(for:by:)``; every read of a
/// ``TenantReader`` (gets, scans, index walks, lookups, counts, dated counts, interval
/// questions) and every record a ``TenantWriter`` writes passes it.
///
/// - A record the gate does not ``admits(_:)`` is absent for the principal: a get returns
///   `nil`, scans and index walks skip it, ``TenantReader/recordCount(_:)`` does not count it,
///   and writing it is refused.
/// - An admitted record is handed out as its ``view(_:)`` (the record, or a copy with fields
///   withheld); zero-copy reads then hand out the view's bytes.
/// - An index key is ``IndexKeyAccess/visible``, ``IndexKeyAccess/hidden`` (its entries are
///   skipped, its count is refused) or ``IndexKeyAccess/byRecord`` (the key says nothing the
///   gate can judge: each entry's record decides, and a count under it is refused, since a
///   count cannot be split by record).
///
/// A handle with no gate (``AccessPolicy/gate(for:by:)`` returning `nil`, the default) reads
/// at full speed: nothing is decoded for the decision.
///
/// ```swift
/// // Notes of one author only: records by their author, the by-author index by its key.
/// struct OwnNotes: RecordGate {
///     let author: String
///     func admits(_ record: any StoredRecord) -> Bool { (record as? Note)?.author == author }
///     func access(to index: IndexDefinition, key: Tuple) -> IndexKeyAccess {
///         guard index.name == Note.byAuthor.name || index.name == Note.perAuthorTag.name else { return .byRecord }
///         return key.elements.first == .string(author) ? .visible : .hidden
///     }
/// }
/// struct Authors: AccessPolicy {
///     func authorize(_ operation: AccessOperation, by principal: Principal) throws(HosoError) {}
///     func gate(for recordType: String, by principal: Principal) throws(HosoError) -> (any RecordGate)? {
///         principal.role == "author" ? OwnNotes(author: principal.name) : nil
///     }
/// }
/// let ana = tenant.acting(as: Principal(name: "ana", role: "author"), policy: Authors())
/// let seen = try ana.read { r in
///     var slugs: [String] = []
///     try r.scan(Note.self) { slugs.append($0.slug); return true }
///     return slugs
/// }
/// print(seen)   // ["welcome", "agenda"]
/// ```
public protocol RecordGate: Sendable {
    /// Whether the principal may read (and write) `record`.
    func admits(_ record: any StoredRecord) -> Bool
    /// What the principal sees of an admitted record: the record itself (the default), or a
    /// copy without the fields it may not read.
    func view<R: StoredRecord>(_ record: R) -> R
    /// Whether ``view(_:)`` may differ from the record (zero-copy reads then encode the view);
    /// `false` by default.
    var withholdsFields: Bool { get }
    /// Whether the principal may see the entries and counts filed under `key` in `index` (a
    /// value index's key, a count index's key, a dated count index's group, an interval
    /// index's group).
    func access(to index: IndexDefinition, key: Tuple) -> IndexKeyAccess
}

extension RecordGate {
    public func view<R: StoredRecord>(_ record: R) -> R { record }
    public var withholdsFields: Bool { false }
}

/// What a ``RecordGate`` decides for an index key.
public enum IndexKeyAccess: Sendable, Hashable {
    /// The key's entries and counts are readable.
    case visible
    /// They are not: entries are skipped, a count under the key is refused.
    case hidden
    /// The key does not tell: each entry's record decides; counts are refused.
    case byRecord
}
