/// The id of a record: unique within its record type in a tenant, assigned by the caller.
public typealias RecordID = UInt64

/// A kind of record the store can keep: its id, its binary form and its index entries.
///
/// Conform a type to plug it into the engine; the engine maintains every index it declares in
/// the same write transaction as the record, so an embedding tool adds its own record types
/// without touching the engine. <doc:GettingStarted> defines one with an index of every kind;
/// a smaller one:
///
/// ```swift
/// struct Bookmark: StoredRecord {
///     static let byURL = IndexDefinition("url", kind: .unique)
///     static let schema = RecordSchema(Bookmark.self, name: "bookmark", indexes: [byURL])
///     var id: RecordID
///     var url: String
///     init(id: RecordID, url: String) { self.id = id; self.url = url }
///     init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
///         self.init(id: id, url: "")
///         while let field = try r.next() { if field.number == 1 { url = try field.string() } }
///     }
///     func encode(to w: inout RecordWriter) { w.write(1, url) }
///     func indexEntries(_ entries: inout IndexEntries, context: IndexContext) {
///         entries.value(Self.byURL, [.string(url)])
///     }
/// }
/// ```
public protocol StoredRecord: Sendable {
    /// The record type's name, indexes and format version.
    static var schema: RecordSchema { get }
    /// The record's id.
    var id: RecordID { get }
    /// Writes the record's fields (the format version byte is written by the engine).
    func encode(to writer: inout RecordWriter)
    /// Reads a record back; unknown fields must be skipped.
    init(id: RecordID, reader: inout RecordReader) throws(HosoError)
    /// Emits the record's index entries. Entries may depend on ``IndexContext/today`` only
    /// when the schema names a ``RecordSchema/transitionIndex``.
    func indexEntries(_ entries: inout IndexEntries, context: IndexContext)
    /// What the change log keeps of the record once it is deleted: the record without the
    /// fields that identify a person (names, identity numbers, birth dates, addresses, free
    /// text), keeping its ids and dates. Deleting a record rewrites every change-log copy of it
    /// into this form. The default keeps the record whole; a type holding personal data
    /// overrides it.
    ///
    /// ```swift
    /// struct Contact: StoredRecord {
    ///     static let schema = RecordSchema(Contact.self, name: "contact", indexes: [])
    ///     var id: RecordID
    ///     var name = ""
    ///     var since: Int64 = 0
    ///     init(id: RecordID) { self.id = id }
    ///     init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
    ///         self.init(id: id)
    ///         while let f = try r.next() {
    ///             if f.number == 1 { name = try f.string() } else if f.number == 2 { since = try f.int64() }
    ///         }
    ///     }
    ///     func encode(to w: inout RecordWriter) { w.write(1, name); w.write(2, since) }
    ///     func indexEntries(_ entries: inout IndexEntries, context: IndexContext) {}
    ///     func redactedForDeletion() -> Contact { var c = self; c.name = ""; return c }
    /// }
    /// ```
    func redactedForDeletion() -> Self

    /// The scope whose key seals the record's personal fields in a sealed tenant (see
    /// <doc:Sealing>): a commune, a unit; `nil` (the default) keeps the record in clear. The
    /// fields sealed are those ``withoutSealedFields()`` leaves out.
    var sealingScope: String? { get }

    /// The record as a sealed tenant keeps it in clear: every index entry must come out the
    /// same from it as from the whole record (indexes, counts and verification read only it).
    /// The default is ``redactedForDeletion()``.
    func withoutSealedFields() -> Self

    /// The record with blind digests of the values it is looked up by, computed with `digest`
    /// (keyed, one-way), for its index entries to use in place of the values: a sealed tenant
    /// calls it before every write. The default returns the record unchanged.
    func digested(_ digest: (String) -> String) -> Self
}

extension StoredRecord {
    /// Keeps the record whole: a type with personal fields overrides this.
    public func redactedForDeletion() -> Self { self }
    /// Not sealed.
    public var sealingScope: String? { nil }
    /// The deletion's redaction.
    public func withoutSealedFields() -> Self { redactedForDeletion() }
    /// No digests.
    public func digested(_ digest: (String) -> String) -> Self { self }
}

/// What index entries may depend on besides the record itself.
public struct IndexContext: Sendable, Hashable {
    /// The tenant's current day: "current" entries (whether a note is open now) are computed as of it.
    public var today: Int32
    /// Creates a context.
    public init(today: Int32) { self.today = today }
}

extension StoredRecord {
    /// Encodes the record with its format version byte.
    public func encoded() -> [UInt8] {
        var writer = RecordWriter(formatVersion: Self.schema.formatVersion)
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes a stored record.
    public static func decode(id: RecordID, _ bytes: UnsafeRawBufferPointer) throws(HosoError) -> Self {
        var reader = try RecordReader(bytes, recordType: schema.name)
        do {
            return try Self(id: id, reader: &reader)
        } catch {
            if case let .corruptRecord(type, nil, reason) = error { throw .corruptRecord(type: type.isEmpty ? schema.name : type, id: id, reason: reason) }
            throw error
        }
    }
}
